import { catalogOnly } from '../../api/dissector.js';

// Crytek CryENGINE multiplayer network protocol (nDPI: CryNetwork).
// Crytek publishes no description of the CryENGINE network protocol on the wire (the
// CryENGINE documentation describes its programming interface only). Catalog entry only.

export default catalogOnly('crynetwork', [{ name: 'CryNetwork', category: 'Game', kind: 'protocol', description: 'Crytek CryENGINE multiplayer network protocol' }]);
