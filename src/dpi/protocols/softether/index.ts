import { catalogOnly } from '../../api/dissector.js';

// SoftEther VPN sessions (nDPI: Softether).
// SoftEther's session runs inside TLS after an HTTP-like exchange whose wire form its authors have not specified; a port guess would name any HTTPS server.
// Catalog entry only.

export default catalogOnly('softether', [{ name: 'Softether', category: 'VPN', kind: 'protocol', description: "SoftEther VPN sessions" }]);
