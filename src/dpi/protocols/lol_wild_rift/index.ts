import { catalogOnly } from '../../api/dissector.js';

// Riot Games' League of Legends: Wild Rift game traffic (nDPI: LoLWildRift).
// Riot Games publishes no description of Wild Rift's game protocol. Catalog entry only.

export default catalogOnly('lol_wild_rift', [{ name: 'LoLWildRift', category: 'Game', kind: 'protocol', description: "Riot Games' League of Legends: Wild Rift game traffic" }]);
