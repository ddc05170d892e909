import { defineDissector, Transport, Verdict } from '../../dissector.js';

// Nexon's MapleStory MMORPG client-server protocol (nDPI: MapleStory).
// Nexon publishes no description of the MapleStory wire format. Community notes describe the
// server's unencrypted hello of old clients (length, version, patch string, two IVs, locale),
// whose layout differs by region and version; it was not turned into a dissector in this round.
// Catalog entry only, with the login server port the game is known to use (TCP 8484).
// The dissector names nothing: its probe never accepts a flow (no first byte is declared, so it is
// not even probed), and the ports below only serve port guesses elsewhere.

export default defineDissector<null>({
  name: 'maplestory',
  protocols: [{ name: 'MapleStory', category: 'Game', kind: 'protocol', tcpPorts: [8484], description: "Nexon's MapleStory MMORPG client-server protocol" }],
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
