import { catalogOnly } from '../../api/dissector.js';

// Cisco VPN Client IPsec over UDP/TCP (port 10000) (nDPI: CiscoVPN).
// Cisco's VPN Client documentation describes IPsec over UDP and IPsec over TCP (cTCP) only as
// configuration (default port 10000): ESP encapsulated in UDP or TCP, negotiated by IKE. The
// encapsulated ESP is encrypted from its SPI and sequence number on, so nothing in it can be
// checked; the encapsulation framing itself is not documented publicly. Catalog entry only,
// with the default ports Cisco documents.

export default catalogOnly('cisco_vpn', [{ name: 'CiscoVPN', category: 'VPN', kind: 'protocol', tcpPorts: [10000], udpPorts: [10000], description: 'Cisco VPN Client IPsec over UDP/TCP (port 10000)' }]);
