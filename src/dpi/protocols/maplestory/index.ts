import { catalogOnly } from '../../api/dissector.js';

// Nexon's MapleStory MMORPG client-server protocol (nDPI: MapleStory).
// Nexon publishes no description of the MapleStory wire format. Community notes describe the
// server's unencrypted hello of old clients (length, version, patch string, two IVs, locale),
// whose layout differs by region and version; it was not turned into a dissector in this round.
// Catalog entry only, with the login server port the game is known to use (TCP 8484).

export default catalogOnly('maplestory', [{ name: 'MapleStory', category: 'Game', kind: 'protocol', tcpPorts: [8484], description: "Nexon's MapleStory MMORPG client-server protocol" }]);
