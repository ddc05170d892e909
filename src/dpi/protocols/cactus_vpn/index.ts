import { catalogOnly } from '../../api/dissector.js';

// CactusVPN commercial VPN service (nDPI: CactusVPN).
// CactusVPN is a commercial service using standard tunnels (OpenVPN, WireGuard, IPsec, …)
// to its own servers; it is named by its domains and addresses, not by a wire format of its
// own. Catalog entry only.

export default catalogOnly('cactus_vpn', [{ name: 'CactusVPN', category: 'VPN', kind: 'application', description: 'CactusVPN commercial VPN service' }]);
