import { defineDissector, Transport, Verdict } from '../../dissector.js';

// i3D.net game server hosting network (nDPI: i3D).
// i3D.net is a hosting network for game servers: it is named by the servers' addresses, and
// has no wire format of its own to dissect. Catalog entry only.
// The dissector names nothing: its probe never accepts a flow (no first byte is declared, so it is
// not even probed), and the ports below only serve port guesses elsewhere.

export default defineDissector<null>({
  name: 'i3d',
  protocols: [{ name: 'i3D', category: 'Game', kind: 'application', description: 'i3D.net game server hosting network' }],
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
