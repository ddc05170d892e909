import { defineDissector, Transport, Verdict } from '../../dissector.js';

// World of Kung Fu online game protocol (nDPI: WorldOfKungFu).
// No public description of World of Kung Fu's wire format was found. Catalog entry only.
// The dissector names nothing: its probe never accepts a flow (no first byte is declared, so it is
// not even probed), and the ports below only serve port guesses elsewhere.

export default defineDissector<null>({
  name: 'world_of_kungfu',
  protocols: [{ name: 'WorldOfKungFu', category: 'Game', kind: 'protocol', description: 'World of Kung Fu online game protocol' }],
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
