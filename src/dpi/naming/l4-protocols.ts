import { type ProtocolSpec, registerProtocol } from '../api/catalog.js';

// Protocols named by the IP protocol number alone (no payload needed), as nDPI names them too.

const L4_PROTOCOLS: readonly [number, ProtocolSpec][] = [
  [1, { name: 'ICMP', category: 'Network', kind: 'protocol' }],
  [58, { name: 'ICMPv6', ndpi: 'ICMPV6', category: 'Network', kind: 'protocol' }],
  [2, { name: 'IGMP', category: 'Network', kind: 'protocol' }],
  [47, { name: 'GRE', category: 'Network', kind: 'protocol' }],
  [50, { name: 'IPsec', ndpi: 'IPSec', category: 'VPN', kind: 'protocol', udpPorts: [500, 4500] }],
  [51, { name: 'IPsec', ndpi: 'IPSec', category: 'VPN', kind: 'protocol' }],
  [89, { name: 'OSPF', category: 'Network', kind: 'protocol' }],
  [112, { name: 'VRRP', category: 'Network', kind: 'protocol' }],
  [132, { name: 'SCTP', category: 'Network', kind: 'protocol' }],
  [103, { name: 'PIM', ndpi: 'IP_PIM', category: 'Network', kind: 'protocol' }],
  [88, { name: 'EIGRP', ndpi: null, category: 'Network', kind: 'protocol' }],
  [8, { name: 'EGP', ndpi: 'EGP', category: 'Network', kind: 'protocol' }],
  [113, { name: 'PGM', ndpi: 'PGM', category: 'Network', kind: 'protocol' }],
  [4, { name: 'IP_in_IP', ndpi: 'IP_in_IP', category: 'Network', kind: 'protocol' }],
  [41, { name: 'IPv6_in_IP', ndpi: null, category: 'Network', kind: 'protocol' }],
];

/** IP protocol number → catalog id */
export function registerL4Protocols(): Map<number, number> {
  const ids = new Map<number, number>();
  for (const [proto, spec] of L4_PROTOCOLS) ids.set(proto, registerProtocol(spec));
  return ids;
}
