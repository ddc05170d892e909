import { type ExpectedFlow } from './corpus.js';

// Matching sonde's flows to nDPI's: by L4 protocol, VLAN and the unordered pair of endpoints.

const NDPI_L4: Record<string, number> = { TCP: 6, UDP: 17, ICMP: 1, ICMPV6: 58, IGMP: 2, VRRP: 112, ESP: 50, OSPF: 89, GRE: 47, SCTP: 132, AH: 51, PIM: 103 };

export function ndpiL4Number(name: string): number {
  return NDPI_L4[name] ?? Number(name);
}

/** Canonical text of an address, so that differently compressed IPv6 forms compare equal. */
export function canonicalAddress(a: string): string {
  if (!a.includes(':')) return a;
  let s = a.toLowerCase();
  let tail: number[] = [];
  const dotted = s.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const o = dotted[1]!.split('.').map(Number);
    tail = [(o[0]! << 8) | o[1]!, (o[2]! << 8) | o[3]!];
    s = s.slice(0, -dotted[1]!.length) + '0:0';
  }
  const [head, rest] = s.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const r = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const fill = rest !== undefined ? 8 - h.length - r.length : 0;
  const groups = [...h, ...Array<string>(Math.max(0, fill)).fill('0'), ...r].map((g) => parseInt(g || '0', 16));
  if (tail.length) groups.splice(6, 2, ...tail);
  return groups.map((g) => g.toString(16)).join(':');
}

export function flowKey(l4: number, vlan: number | null, a: string, ap: number, b: string, bp: number): string {
  const x = `${canonicalAddress(a)}|${ap}`;
  const y = `${canonicalAddress(b)}|${bp}`;
  return `${l4}/${vlan ?? '-'}/${x < y ? `${x}/${y}` : `${y}/${x}`}`;
}

export function expectedKey(e: ExpectedFlow): string {
  return flowKey(ndpiL4Number(e.proto_l4), e.vlan, e.src, e.sport, e.dst, e.dport);
}

export function sondeKey(r: Record<string, unknown>): string {
  return flowKey(r['l4_proto'] as number, r['vlan'] as number | null, r['src'] as string, r['sport'] as number, r['dst'] as string, r['dport'] as number);
}

export interface CounterComparison {
  same: boolean;
  /** sonde's counters in nDPI's orientation: [pkts_c2s, bytes_c2s, pkts_s2c, bytes_s2c] */
  sonde: [number, number, number, number];
  ndpi: [number, number, number, number];
}

export function compareCounters(e: ExpectedFlow, r: Record<string, unknown>): CounterComparison {
  const sameOrientation = canonicalAddress(r['src'] as string) === canonicalAddress(e.src) && r['sport'] === e.sport;
  const c = [r['packets_c2s'], r['bytes_c2s'], r['packets_s2c'], r['bytes_s2c']] as number[];
  const sonde: [number, number, number, number] = sameOrientation ? [c[0]!, c[1]!, c[2]!, c[3]!] : [c[2]!, c[3]!, c[0]!, c[1]!];
  const ndpi: [number, number, number, number] = [e.pkts_c2s, e.bytes_c2s, e.pkts_s2c, e.bytes_s2c];
  return { same: sonde.every((v, i) => v === ndpi[i]), sonde, ndpi };
}
