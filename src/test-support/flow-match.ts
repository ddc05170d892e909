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

/**
 * nDPI's printer sometimes compresses two zero runs ("2600:1900:4160:5999::19::"), which is not
 * valid IPv6 text and can stand for several addresses: all of them, canonical.
 */
export function addressReadings(a: string): string[] {
  const parts = a.split('::');
  if (parts.length <= 2) return [canonicalAddress(a)];
  const explicit = parts.flatMap((p) => (p === '' ? [] : p.split(':')));
  const gaps = parts.length - 1;
  const missing = 8 - explicit.length;
  const out: string[] = [];
  const spread = (left: number, slots: number, acc: number[]): void => {
    if (slots === 1) {
      if (left >= 1) out.push(expand([...acc, left]));
      return;
    }
    for (let n = 1; n <= left - (slots - 1); n++) spread(left - n, slots - 1, [...acc, n]);
  };
  const expand = (zeros: number[]): string => {
    const groups: string[] = [];
    parts.forEach((p, i) => {
      if (p !== '') groups.push(...p.split(':'));
      if (i < zeros.length) groups.push(...Array<string>(zeros[i]!).fill('0'));
    });
    return groups.map((g) => parseInt(g, 16).toString(16)).join(':');
  };
  if (missing >= gaps) spread(missing, gaps, []);
  return out;
}

export function flowKey(l4: number, vlan: number | null, a: string, ap: number, b: string, bp: number): string {
  const x = `${canonicalAddress(a)}|${ap}`;
  const y = `${canonicalAddress(b)}|${bp}`;
  return `${l4}/${vlan ?? '-'}/${x < y ? `${x}/${y}` : `${y}/${x}`}`;
}

export function expectedKey(e: ExpectedFlow): string {
  return flowKey(ndpiL4Number(e.proto_l4), e.vlan, e.src, e.sport, e.dst, e.dport);
}

/** Every key an nDPI flow may stand for (more than one only when nDPI printed an ambiguous address). */
export function expectedKeys(e: ExpectedFlow): string[] {
  const keys: string[] = [];
  for (const s of addressReadings(e.src)) {
    for (const d of addressReadings(e.dst)) keys.push(flowKey(ndpiL4Number(e.proto_l4), e.vlan, s, e.sport, d, e.dport));
  }
  return keys;
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
  const sameOrientation = addressReadings(e.src).includes(canonicalAddress(r['src'] as string)) && r['sport'] === e.sport;
  const c = [r['packets_c2s'], r['bytes_c2s'], r['packets_s2c'], r['bytes_s2c']] as number[];
  const sonde: [number, number, number, number] = sameOrientation ? [c[0]!, c[1]!, c[2]!, c[3]!] : [c[2]!, c[3]!, c[0]!, c[1]!];
  const ndpi: [number, number, number, number] = [e.pkts_c2s, e.bytes_c2s, e.pkts_s2c, e.bytes_s2c];
  return { same: sonde.every((v, i) => v === ndpi[i]), sonde, ndpi };
}
