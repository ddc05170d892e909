import { writePcap, type PcapRecord } from './capture-writer.js';
import { ethernet, icmpEcho, ipv4, tcp, TCP_ACK, TCP_PSH, TCP_RST, TCP_SYN, udp } from './packet-builder.js';
import { seededRandom } from './prng.js';

// Attack captures for the detection tests (and `sonde-attack-mix`, which writes them for tcpreplay):
// a benign background of web, DNS and ping traffic among a few hosts, with attacks mixed in at
// known times. Attack packets are stored cut to their first 64 bytes (their wire length kept, as a
// capture with a snap length would) so a flood of minutes stays a small file.

export const ATTACK_KINDS = [
  'syn_flood', 'ack_flood', 'rst_flood', 'udp_flood', 'icmp_flood', 'fragment_flood', 'amplification', 'horizontal_scan', 'vertical_scan', 'traffic_spike',
] as const;
export type AttackKind = (typeof ATTACK_KINDS)[number];

export interface Attack {
  kind: AttackKind;
  /** seconds after the capture's start */
  startS: number;
  durationS: number;
  /** packets per second */
  pps: number;
  /** the victim (floods, spike) or the scanner (scans) */
  target: string;
  /** the host a vertical scan probes (default 198.51.100.5) */
  victim?: string;
}

export interface MixOptions {
  seed?: number;
  /** seconds of benign traffic */
  durationS: number;
  /** capture start, µs since the epoch */
  startMicros?: number;
  attacks: Attack[];
  /** benign web sessions per second */
  sessionsPerS?: number;
}

const SNAP = 64;
const CLIENTS = Array.from({ length: 20 }, (_, i) => `10.0.0.${10 + i}`);
const SERVERS = ['192.0.2.10', '192.0.2.20', '198.51.100.5'];
const RESOLVER = '10.0.0.1';

export const DEFAULT_ATTACK_RATES: Record<AttackKind, number> = {
  syn_flood: 4000, ack_flood: 20_000, rst_flood: 4000, udp_flood: 20_000, icmp_flood: 4000, fragment_flood: 4000,
  amplification: 4000, horizontal_scan: 300, vertical_scan: 300, traffic_spike: 40_000,
};

export function buildAttackMix(o: MixOptions): { pcap: Uint8Array; records: number } {
  const rnd = seededRandom(o.seed ?? 1);
  const t0 = o.startMicros ?? Date.UTC(2026, 0, 5, 10, 0, 0) * 1000;
  const records: PcapRecord[] = [];
  const at = (s: number): number => Math.round(t0 + s * 1e6);
  const push = (s: number, frame: Uint8Array): void => {
    records.push({ ts: at(s), data: frame });
  };
  const v4 = (src: string, dst: string, proto: number, payload: Uint8Array, id = 1): Uint8Array => ethernet(0x0800, ipv4({ src, dst, proto, id }, payload));
  /** a frame whose transport payload is `payloadLen` bytes on the wire, of which only the capture's first bytes are built */
  const cut = (src: string, dst: string, proto: number, l4: Uint8Array, payloadLen: number, frag: { fragmentOffset?: number; moreFragments?: boolean } = {}): void => {
    const headerLen = proto === 17 && !frag.fragmentOffset ? 8 : proto === 6 ? 20 : 0;
    const wire = 14 + 20 + headerLen + payloadLen;
    if (proto === 17 && !frag.fragmentOffset) {
      l4[4] = ((8 + payloadLen) >> 8) & 0xff;
      l4[5] = (8 + payloadLen) & 0xff;
    }
    const frame = ethernet(0x0800, ipv4({ src, dst, proto, totalLength: wire - 14, ...frag }, l4));
    records.push({ ts: 0, data: frame.subarray(0, Math.min(SNAP, frame.length)), wireLen: wire });
  };
  const cutAt = (s: number, ...args: Parameters<typeof cut>): void => {
    cut(...args);
    records[records.length - 1]!.ts = at(s);
  };
  const small = new Uint8Array(16);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const randomAddress = (): string => `${1 + Math.floor(rnd() * 222)}.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}.${1 + Math.floor(rnd() * 254)}`;

  // benign: web sessions (handshake, request, a response of a few segments, close), DNS, pings
  const sessions = Math.round((o.sessionsPerS ?? 5) * o.durationS);
  for (let k = 0; k < sessions; k++) {
    let s = rnd() * o.durationS;
    const c = pick(CLIENTS), srv = pick(SERVERS), port = 20_000 + Math.floor(rnd() * 40_000);
    const rtt = 0.01 + rnd() * 0.05;
    push(s, v4(c, RESOLVER, 17, udp(port, 53, new Uint8Array(40))));
    push(s + 0.002, v4(RESOLVER, c, 17, udp(53, port, new Uint8Array(80))));
    s += 0.003;
    push(s, v4(c, srv, 6, tcp(port, 443, TCP_SYN)));
    push(s + rtt, v4(srv, c, 6, tcp(443, port, TCP_SYN | TCP_ACK)));
    push(s + rtt * 1.5, v4(c, srv, 6, tcp(port, 443, TCP_ACK)));
    push(s + rtt * 1.6, v4(c, srv, 6, tcp(port, 443, TCP_ACK | TCP_PSH, new Uint8Array(300))));
    const segments = 1 + Math.floor(rnd() * 20);
    for (let i = 0; i < segments; i++) {
      cutAt(s + rtt * 2.6 + i * 0.001, srv, c, 6, tcp(443, port, TCP_ACK, small), 1400);
      if (i % 2 === 1) push(s + rtt * 3.1 + i * 0.001, v4(c, srv, 6, tcp(port, 443, TCP_ACK)));
    }
    push(s + rtt * 4, v4(c, srv, 6, tcp(port, 443, TCP_ACK | 0x01)));
    push(s + rtt * 4.5, v4(srv, c, 6, tcp(443, port, TCP_ACK | 0x01)));
  }
  for (let s = 0; s < o.durationS; s += 1) {
    const c = pick(CLIENTS);
    push(s + rnd() * 0.5, v4(c, SERVERS[0]!, 1, icmpEcho(8, 7, s)));
    push(s + 0.52, v4(SERVERS[0]!, c, 1, icmpEcho(0, 7, s)));
  }

  for (const a of o.attacks) {
    const n = Math.round(a.pps * a.durationS);
    const reflectors = Array.from({ length: 200 }, randomAddress);
    const spoofed = Array.from({ length: 5000 }, randomAddress);
    for (let i = 0; i < n; i++) {
      const s = a.startS + (i / n) * a.durationS;
      const sport = 1024 + Math.floor(rnd() * 60_000);
      switch (a.kind) {
        case 'syn_flood':
          push(s, v4(pick(spoofed), a.target, 6, tcp(sport, 80, TCP_SYN)));
          break;
        case 'ack_flood':
          push(s, v4(pick(spoofed), a.target, 6, tcp(sport, 443, TCP_ACK, new Uint8Array(0), i, i)));
          break;
        case 'rst_flood':
          push(s, v4(pick(spoofed), a.target, 6, tcp(sport, 443, TCP_RST | TCP_ACK)));
          break;
        case 'udp_flood':
          cutAt(s, spoofed[i % 8]!, a.target, 17, udp(sport, 1 + Math.floor(rnd() * 65_000), small), 512);
          break;
        case 'icmp_flood':
          push(s, v4(pick(spoofed), a.target, 1, icmpEcho(8, i & 0xffff, i & 0xffff, new Uint8Array(56))));
          break;
        case 'fragment_flood':
          cutAt(s, pick(spoofed), a.target, 17, small, 1480, { fragmentOffset: 1480, moreFragments: true });
          break;
        case 'amplification':
          cutAt(s, pick(reflectors), a.target, 17, udp(123, 40_000 + (i % 100), small), 440);
          break;
        case 'horizontal_scan': {
          const victim = `10.9.${(i >> 8) & 0xff}.${i & 0xff}`;
          push(s, v4(a.target, victim, 6, tcp(40_000 + (i % 5), 22, TCP_SYN)));
          if (i % 10 === 0) push(s + 0.001, v4(victim, a.target, 6, tcp(22, 40_000 + (i % 5), TCP_RST | TCP_ACK)));
          break;
        }
        case 'vertical_scan': {
          const victim = a.victim ?? SERVERS[2]!;
          const port = 1 + (i % 10_000);
          push(s, v4(a.target, victim, 6, tcp(50_000, port, TCP_SYN)));
          push(s + 0.001, v4(victim, a.target, 6, tcp(port, 50_000, TCP_RST | TCP_ACK)));
          break;
        }
        case 'traffic_spike': {
          const srv = SERVERS[1]!;
          cutAt(s, srv, a.target, 6, tcp(443, 33_000, TCP_ACK, small, i * 1400), 1400);
          if (i % 2 === 0) push(s + 0.0001, v4(a.target, srv, 6, tcp(33_000, 443, TCP_ACK, new Uint8Array(0), 1, i * 1400)));
          break;
        }
      }
    }
  }
  records.sort((x, y) => x.ts - y.ts);
  return { pcap: writePcap(records, { linkType: 1 }), records: records.length };
}
