import { defineDissector, Transport, Verdict } from '../../dissector.js';

// CactusVPN commercial VPN service (nDPI: CactusVPN).
// CactusVPN is a commercial service using standard tunnels (OpenVPN, WireGuard, IPsec, …)
// to its own servers; it is named by its domains and addresses, not by a wire format of its
// own. Catalog entry only.
// The dissector names nothing: its probe never accepts a flow (no first byte is declared, so it is
// not even probed), and the ports below only serve port guesses elsewhere.

export default defineDissector<null>({
  name: 'cactus_vpn',
  protocols: [{ name: 'CactusVPN', category: 'VPN', kind: 'application', description: 'CactusVPN commercial VPN service' }],
  transports: Transport.Tcp | Transport.Udp,
  // no first byte can start it: the engine never probes this dissector
  firstBytes: [],
  probe() {
    return false;
  },
  createState() {
    return null;
  },
  inspect() {
    return Verdict.NotMine;
  },
});
