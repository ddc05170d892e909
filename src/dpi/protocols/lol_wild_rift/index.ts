import { defineDissector, Transport, Verdict } from '../../dissector.js';

// Riot Games' League of Legends: Wild Rift game traffic (nDPI: LoLWildRift).
// Riot Games publishes no description of Wild Rift's game protocol. Catalog entry only.
// The dissector names nothing: its probe never accepts a flow (no first byte is declared, so it is
// not even probed), and the ports below only serve port guesses elsewhere.

export default defineDissector<null>({
  name: 'lol_wild_rift',
  protocols: [{ name: 'LoLWildRift', category: 'Game', kind: 'protocol', description: "Riot Games' League of Legends: Wild Rift game traffic" }],
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
