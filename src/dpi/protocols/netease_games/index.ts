import { defineDissector, Transport, Verdict } from '../../dissector.js';

// NetEase online games' traffic (nDPI: NetEaseGames).
// NetEase publishes no description of its games' wire formats. Catalog entry only.
// The dissector names nothing: its probe never accepts a flow (no first byte is declared, so it is
// not even probed), and the ports below only serve port guesses elsewhere.

export default defineDissector<null>({
  name: 'netease_games',
  protocols: [{ name: 'NetEaseGames', category: 'Game', kind: 'protocol', description: "NetEase online games' traffic" }],
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
