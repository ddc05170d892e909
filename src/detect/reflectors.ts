// UDP services that answer a small request with a large response, and so serve reflection and
// amplification attacks (US-CERT TA14-017A and later advisories): a flood of responses from
// their ports to one address that asked for none is an amplification attack.

export const REFLECTORS: readonly { name: string; port: number }[] = [
  { name: 'DNS', port: 53 },
  { name: 'NTP', port: 123 },
  { name: 'SSDP', port: 1900 },
  { name: 'Memcached', port: 11211 },
  { name: 'CLDAP', port: 389 },
  { name: 'SNMP', port: 161 },
  { name: 'Chargen', port: 19 },
  { name: 'QOTD', port: 17 },
  { name: 'WS-Discovery', port: 3702 },
  { name: 'Portmap', port: 111 },
  { name: 'NetBIOS', port: 137 },
  { name: 'MDNS', port: 5353 },
  { name: 'RIP', port: 520 },
  { name: 'MSSQL', port: 1434 },
  { name: 'ARD', port: 3283 },
  { name: 'Ubiquiti', port: 10001 },
  { name: 'CoAP', port: 5683 },
  { name: 'TFTP', port: 69 },
];

/** reflector index + 1 by UDP source port; 0 for other ports */
export const REFLECTOR_BY_PORT = new Uint8Array(65536);
REFLECTORS.forEach((r, i) => (REFLECTOR_BY_PORT[r.port] = i + 1));
