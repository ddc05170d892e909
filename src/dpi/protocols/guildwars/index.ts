import { catalogOnly } from '../../api/dissector.js';

// ArenaNet's Guild Wars game protocol (nDPI: Guildwars).
// ArenaNet publishes no description of the Guild Wars wire format (only the firewall ports
// in its support pages: TCP 6112). Catalog entry only.

export default catalogOnly('guildwars', [{ name: 'Guildwars', category: 'Game', kind: 'protocol', tcpPorts: [6112], description: "ArenaNet's Guild Wars game protocol" }]);
