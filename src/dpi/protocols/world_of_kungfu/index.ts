import { catalogOnly } from '../../api/dissector.js';

// World of Kung Fu online game protocol (nDPI: WorldOfKungFu).
// No public description of World of Kung Fu's wire format was found. Catalog entry only.

export default catalogOnly('world_of_kungfu', [{ name: 'WorldOfKungFu', category: 'Game', kind: 'protocol', description: 'World of Kung Fu online game protocol' }]);
