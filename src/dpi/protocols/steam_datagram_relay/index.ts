import { catalogOnly } from '../../api/dissector.js';

// Valve's Steam Datagram Relay, game traffic carried through Valve's relay network (nDPI: SteamDatagramRelay).
// Valve documents the relay's API (Steamworks networking sockets) but not its packet format.
// Catalog entry only.

export default catalogOnly('steam_datagram_relay', [{ name: 'SteamDatagramRelay', category: 'Game', kind: 'protocol', description: "Valve's Steam Datagram Relay, game traffic carried through Valve's relay network" }]);
