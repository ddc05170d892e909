// Well-known ports → service names: the port-guess level of identification, used until payload
// dissectors name a flow. Data, not code: one line per service.

const TCP = 6;
const UDP = 17;
const SCTP = 132;

const SERVICES: readonly [number, number, string][] = [
  [TCP, 20, 'FTP_DATA'], [TCP, 21, 'FTP'], [TCP, 22, 'SSH'], [TCP, 23, 'Telnet'], [TCP, 25, 'SMTP'],
  [TCP, 43, 'Whois'], [TCP, 53, 'DNS'], [UDP, 53, 'DNS'], [UDP, 67, 'DHCP'], [UDP, 68, 'DHCP'], [UDP, 69, 'TFTP'],
  [TCP, 79, 'Finger'], [TCP, 80, 'HTTP'], [TCP, 88, 'Kerberos'], [UDP, 88, 'Kerberos'], [TCP, 110, 'POP3'],
  [TCP, 111, 'RPC'], [UDP, 111, 'RPC'], [UDP, 123, 'NTP'], [TCP, 119, 'NNTP'], [TCP, 135, 'MS_RPC'],
  [UDP, 137, 'NetBIOS'], [UDP, 138, 'NetBIOS'], [TCP, 139, 'NetBIOS'], [TCP, 143, 'IMAP'], [UDP, 161, 'SNMP'],
  [UDP, 162, 'SNMP'], [TCP, 179, 'BGP'], [TCP, 389, 'LDAP'], [UDP, 389, 'LDAP'], [TCP, 443, 'TLS'], [UDP, 443, 'QUIC'],
  [TCP, 445, 'SMB'], [UDP, 500, 'IPsec'], [UDP, 514, 'Syslog'], [TCP, 514, 'Syslog'], [UDP, 520, 'RIP'],
  [TCP, 554, 'RTSP'], [TCP, 587, 'SMTP'], [TCP, 636, 'LDAPS'], [TCP, 853, 'DoT'], [TCP, 873, 'Rsync'],
  [TCP, 990, 'FTPS'], [TCP, 993, 'IMAPS'], [TCP, 995, 'POP3S'], [TCP, 465, 'SMTPS'], [UDP, 1194, 'OpenVPN'],
  [TCP, 1194, 'OpenVPN'], [TCP, 1433, 'MsSQL'], [UDP, 1701, 'L2TP'], [TCP, 1723, 'PPTP'], [TCP, 1883, 'MQTT'],
  [UDP, 1900, 'SSDP'], [UDP, 2152, 'GTP_U'], [UDP, 2123, 'GTP_C'], [TCP, 2049, 'NFS'], [UDP, 3478, 'STUN'],
  [TCP, 3306, 'MySQL'], [TCP, 3389, 'RDP'], [UDP, 3544, 'Teredo'], [UDP, 4500, 'IPsec'], [UDP, 4789, 'VXLAN'],
  [UDP, 5060, 'SIP'], [TCP, 5060, 'SIP'], [TCP, 5061, 'SIPS'], [TCP, 5222, 'XMPP'], [UDP, 5246, 'CAPWAP'],
  [UDP, 5247, 'CAPWAP'], [UDP, 5353, 'MDNS'], [UDP, 5355, 'LLMNR'], [TCP, 5432, 'PostgreSQL'], [TCP, 5672, 'AMQP'],
  [TCP, 5900, 'VNC'], [UDP, 6081, 'Geneve'], [TCP, 6379, 'Redis'], [TCP, 6667, 'IRC'], [TCP, 8080, 'HTTP_Proxy'],
  [TCP, 8883, 'MQTTS'], [TCP, 9092, 'Kafka'], [TCP, 9200, 'Elasticsearch'], [TCP, 11211, 'Memcached'],
  [UDP, 11211, 'Memcached'], [TCP, 27017, 'MongoDB'], [UDP, 51820, 'WireGuard'], [TCP, 502, 'Modbus'],
  [TCP, 20000, 'DNP3'], [TCP, 102, 'S7comm'], [UDP, 47808, 'BACnet'], [UDP, 5683, 'CoAP'], [TCP, 6881, 'BitTorrent'],
  [UDP, 6881, 'BitTorrent'], [TCP, 9001, 'Tor'], [TCP, 1080, 'SOCKS'], [TCP, 3128, 'HTTP_Proxy'], [SCTP, 2905, 'M3UA'],
  [SCTP, 3868, 'Diameter'], [TCP, 3868, 'Diameter'], [SCTP, 36412, 'S1AP'], [UDP, 161, 'SNMP'], [UDP, 1812, 'RADIUS'],
  [UDP, 1813, 'RADIUS'], [UDP, 319, 'PTP'], [UDP, 320, 'PTP'], [TCP, 5269, 'XMPP'], [UDP, 19302, 'STUN'],
];

const byPort = new Map<number, string>();
for (const [proto, port, name] of SERVICES) byPort.set((proto << 16) | port, name);

/** The service a server port suggests, or null. */
export function serviceForPort(proto: number, port: number): string | null {
  return byPort.get((proto << 16) | port) ?? null;
}

const L4_NAMES: Record<number, string> = {
  1: 'ICMP', 2: 'IGMP', 4: 'IPIP', 6: 'TCP', 17: 'UDP', 41: 'IPv6', 47: 'GRE', 50: 'ESP', 51: 'AH', 58: 'ICMPv6',
  88: 'EIGRP', 89: 'OSPF', 103: 'PIM', 112: 'VRRP', 115: 'L2TP', 132: 'SCTP',
};

export function l4Name(proto: number): string | null {
  return L4_NAMES[proto] ?? null;
}
