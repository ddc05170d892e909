import { defineDissector, Transport, Verdict } from '../../dissector.js';

// Cisco VPN Client IPsec over UDP/TCP (port 10000) (nDPI: CiscoVPN).
// Cisco's VPN Client documentation describes IPsec over UDP and IPsec over TCP (cTCP) only as
// configuration (default port 10000): ESP encapsulated in UDP or TCP, negotiated by IKE. The
// encapsulated ESP is encrypted from its SPI and sequence number on, so nothing in it can be
// checked; the encapsulation framing itself is not documented publicly. Catalog entry only,
// with the default ports Cisco documents.
// The dissector names nothing: its probe never accepts a flow (no first byte is declared, so it is
// not even probed), and the ports below only serve port guesses elsewhere.

export default defineDissector<null>({
  name: 'cisco_vpn',
  protocols: [{ name: 'CiscoVPN', category: 'VPN', kind: 'protocol', tcpPorts: [10000], udpPorts: [10000], description: 'Cisco VPN Client IPsec over UDP/TCP (port 10000)' }],
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
