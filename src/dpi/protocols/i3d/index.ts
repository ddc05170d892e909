import { catalogOnly } from '../../api/dissector.js';

// i3D.net game server hosting network (nDPI: i3D).
// i3D.net is a hosting network for game servers: it is named by the servers' addresses, and
// has no wire format of its own to dissect. Catalog entry only.

export default catalogOnly('i3d', [{ name: 'i3D', category: 'Game', kind: 'application', description: 'i3D.net game server hosting network' }]);
