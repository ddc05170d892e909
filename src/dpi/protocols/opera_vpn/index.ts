import { defineDissector, Transport, Verdict } from '../../dissector.js';

// Opera browser's built-in VPN service (nDPI: OperaVPN).
// Opera VPN is a service reached through Opera's proxy servers, named by their domains; it
// has no documented wire format of its own (the browser talks to the proxies over TLS).
// Catalog entry only.
// The dissector names nothing: its probe never accepts a flow (no first byte is declared, so it is
// not even probed), and the ports below only serve port guesses elsewhere.

export default defineDissector<null>({
  name: 'opera_vpn',
  protocols: [{ name: 'OperaVPN', category: 'VPN', kind: 'application', description: "Opera browser's built-in VPN service" }],
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
