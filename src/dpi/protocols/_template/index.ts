import { defineDissector, Transport, Verdict } from '../../api/dissector.js';

// TEMPLATE — `npm run new-dissector NAME` copies this folder to dpi/protocols/NAME/ (folders whose
// name starts with '_' are not registered).
// One folder per protocol: index.ts (everything about it: protocols, ports, fields, risks, Zeek log),
// parser.ts (pure functions over bytes, when the protocol needs more than a few lines), NAME.test.ts.
// Work from the protocol's specification; keep probe() cheap and allocation-free.

interface State {
  /** how far this flow's stream has been parsed, per direction (TCP gets the whole stream) */
  parsed: [number, number];
}

export default defineDissector<State>({
  name: '_template',
  protocols: [{ name: 'Template', category: 'Unspecified', kind: 'protocol', tcpPorts: [], udpPorts: [] }],
  transports: Transport.Tcp | Transport.Udp,
  // firstBytes: [0x16],   // when the first payload byte is known, say so: the engine then skips you
  maxPackets: 4,
  fields: [],
  probe(_data, _off, _len, _ctx) {
    return false;
  },
  createState() {
    return { parsed: [0, 0] };
  },
  inspect(_state, _data, _off, _len, _ctx) {
    return Verdict.NotMine;
  },
});
