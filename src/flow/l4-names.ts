// Names of IP protocol numbers for flow records (`l4`) and summaries. Which service a port
// suggests is the protocol catalog's business (src/dpi/api/catalog.ts: default ports).

const L4_NAMES: Record<number, string> = {
  1: 'ICMP', 2: 'IGMP', 4: 'IPIP', 6: 'TCP', 17: 'UDP', 41: 'IPv6', 47: 'GRE', 50: 'ESP', 51: 'AH', 58: 'ICMPv6',
  88: 'EIGRP', 89: 'OSPF', 103: 'PIM', 112: 'VRRP', 115: 'L2TP', 132: 'SCTP',
};

export function l4Name(proto: number): string | null {
  return L4_NAMES[proto] ?? null;
}
