import { defineDissector, Transport, Verdict } from '../../dissector.js';

// VHua voice and messaging application (nDPI: VHUA).
// No public description of VHua's wire format was found. Catalog entry only.
// The dissector names nothing: its probe never accepts a flow (no first byte is declared, so it is
// not even probed), and the ports below only serve port guesses elsewhere.

export default defineDissector<null>({
  name: 'vhua',
  protocols: [{ name: 'VHUA', category: 'VoIP', kind: 'protocol', description: 'VHua voice and messaging application' }],
  transports: Transport.Tcp | Transport.Udp,
  // no first byte can start it: the engine never probes this dissector
  firstBytes: [],
  probe() {
    return false;
  },
  createState() {
    return null;
  },
  inspect() {
    return Verdict.NotMine;
  },
});
