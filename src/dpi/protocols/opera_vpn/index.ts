import { catalogOnly } from '../../api/dissector.js';

// Opera browser's built-in VPN service (nDPI: OperaVPN).
// Opera VPN is a service reached through Opera's proxy servers, named by their domains; it
// has no documented wire format of its own (the browser talks to the proxies over TLS).
// Catalog entry only.

export default catalogOnly('opera_vpn', [{ name: 'OperaVPN', category: 'VPN', kind: 'application', description: "Opera browser's built-in VPN service" }]);
