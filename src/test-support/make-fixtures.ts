import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePcap, writePcapng } from './capture-writer.js';
import {
  bytesOf, concat, ethernet, fragmentIpv4, icmpEcho, ipv4, ipv6, ipv6Fragment, tcp, TCP_ACK, TCP_FIN, TCP_PSH, TCP_SYN, udp,
} from './packet-builder.js';
import { repoPath } from './paths.js';

// Writes the project's own fixture captures to test/fixtures/ (`npm run fixtures`). Each one is
// small and exercises one area end to end; test/golden/ holds what `sonde analyze` makes of them.

const T0 = 1_700_000_000_000_000; // µs
const u16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];

/** A short TCP conversation, as IP packets (no link layer): handshake, request, response, close. */
function tcpConversation(version: 4 | 6, c: string, s: string, sport: number, dport: number): Uint8Array[] {
  const wrap = (fromClient: boolean, seg: Uint8Array): Uint8Array =>
    version === 4
      ? ipv4({ src: fromClient ? c : s, dst: fromClient ? s : c, proto: 6 }, seg)
      : ipv6({ src: fromClient ? c : s, dst: fromClient ? s : c, next: 6 }, seg);
  return [
    wrap(true, tcp(sport, dport, TCP_SYN, undefined, 100)),
    wrap(false, tcp(dport, sport, TCP_SYN | TCP_ACK, undefined, 500, 101)),
    wrap(true, tcp(sport, dport, TCP_ACK, undefined, 101, 501)),
    wrap(true, tcp(sport, dport, TCP_PSH | TCP_ACK, bytesOf('GET / HTTP/1.1\r\nHost: example.test\r\n\r\n'), 101, 501)),
    wrap(false, tcp(dport, sport, TCP_PSH | TCP_ACK, bytesOf('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'), 501, 139)),
    wrap(true, tcp(sport, dport, TCP_FIN | TCP_ACK, undefined, 139, 540)),
    wrap(false, tcp(dport, sport, TCP_FIN | TCP_ACK, undefined, 540, 140)),
    wrap(true, tcp(sport, dport, TCP_ACK, undefined, 140, 541)),
  ];
}

const v4conv = (): Uint8Array[] => tcpConversation(4, '192.0.2.10', '198.51.100.80', 43210, 80);
const v6conv = (): Uint8Array[] => tcpConversation(6, '2001:db8::10', '2001:db8:1::80', 43211, 80);
const records = (frames: Uint8Array[], start = T0, step = 1500): { ts: number; data: Uint8Array }[] =>
  frames.map((data, i) => ({ ts: start + i * step, data }));
const etherOf = (ip: Uint8Array): Uint8Array => ethernet(ip[0]! >> 4 === 6 ? 0x86dd : 0x0800, ip);

/** Link-layer headers around an IP packet, one per link type the readers support. */
const LINK_TYPES: { name: string; linkType: number; frame: (ip: Uint8Array) => Uint8Array }[] = [
  { name: 'raw', linkType: 101, frame: (ip) => ip },
  { name: 'ipv4', linkType: 228, frame: (ip) => ip },
  { name: 'null', linkType: 0, frame: (ip) => concat(new Uint8Array([ip[0]! >> 4 === 6 ? 30 : 2, 0, 0, 0]), ip) },
  { name: 'loop', linkType: 108, frame: (ip) => concat(new Uint8Array([0, 0, 0, ip[0]! >> 4 === 6 ? 24 : 2]), ip) },
  { name: 'sll', linkType: 113, frame: (ip) => concat(new Uint8Array([0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 10, 0, 0, ...u16(ip[0]! >> 4 === 6 ? 0x86dd : 0x0800)]), ip) },
  { name: 'sll2', linkType: 276, frame: (ip) => concat(new Uint8Array([...u16(ip[0]! >> 4 === 6 ? 0x86dd : 0x0800), 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 2, 0, 0, 0, 0, 10, 0, 0]), ip) },
  { name: 'ppp', linkType: 9, frame: (ip) => concat(new Uint8Array([0xff, 0x03, ...u16(ip[0]! >> 4 === 6 ? 0x0057 : 0x0021)]), ip) },
  { name: 'ppp-hdlc', linkType: 50, frame: (ip) => concat(new Uint8Array([0xff, 0x03, ...u16(ip[0]! >> 4 === 6 ? 0x0057 : 0x0021)]), ip) },
  { name: 'cisco-hdlc', linkType: 104, frame: (ip) => concat(new Uint8Array([0x0f, 0x00, ...u16(ip[0]! >> 4 === 6 ? 0x86dd : 0x0800)]), ip) },
  {
    name: 'ieee80211', linkType: 105,
    // data frame, FromDS, then LLC/SNAP
    frame: (ip) => concat(new Uint8Array([0x08, 0x02, 0, 0, 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 3, 0x10, 0,
      0xaa, 0xaa, 0x03, 0, 0, 0, ...u16(ip[0]! >> 4 === 6 ? 0x86dd : 0x0800)]), ip),
  },
  {
    name: 'radiotap', linkType: 127,
    frame: (ip) => concat(new Uint8Array([0, 0, 8, 0, 0, 0, 0, 0]), LINK_TYPES.find((l) => l.name === 'ieee80211')!.frame(ip)),
  },
  {
    name: 'ppi', linkType: 192,
    frame: (ip) => concat(new Uint8Array([0, 0, 8, 0, 1, 0, 0, 0]), etherOf(ip)),
  },
];

/** One inner UDP flow per tunnel, each with a distinct client port so the golden output names them. */
function tunnelFrames(): Uint8Array[] {
  // a DNS query for inner.test (A, IN): what DPI must still name once the tunnel is taken off
  const query = concat(new Uint8Array([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 5]), bytesOf('inner'), new Uint8Array([4]), bytesOf('test'), new Uint8Array([0, 0, 1, 0, 1]));
  const inner4 = (sport: number): Uint8Array => ipv4({ src: '10.1.0.1', dst: '10.2.0.2', proto: 17 }, udp(sport, 53, query));
  const inner6 = (sport: number): Uint8Array => ipv6({ src: 'fd00::1', dst: 'fd00::2', next: 17 }, udp(sport, 53, query));
  const outer = (proto: number, payload: Uint8Array): Uint8Array => ipv4({ src: '203.0.113.1', dst: '203.0.113.2', proto }, payload);
  const outerUdp = (dport: number, payload: Uint8Array): Uint8Array => outer(17, udp(40000, dport, payload));
  const innerEth = (ip: Uint8Array): Uint8Array => etherOf(ip);
  return [
    ethernet(0x0800, inner4(1001), { vlans: [100] }),
    ethernet(0x0800, inner4(1002), { vlans: [200, 300] }),
    ethernet(0x8847, concat(new Uint8Array([0x00, 0x01, 0x00, 0x40, 0x00, 0x02, 0x01, 0x40]), inner4(1003))), // MPLS: two labels
    ethernet(0x8864, concat(new Uint8Array([0x11, 0x00, 0x00, 0x01, ...u16(inner4(1004).length + 2), 0x00, 0x21]), inner4(1004))), // PPPoE
    ethernet(0x0800, outer(47, concat(new Uint8Array([0, 0, 0x08, 0x00]), inner4(1005)))), // GRE
    ethernet(0x0800, outer(47, concat(new Uint8Array([0x10, 0, 0x88, 0xbe, 0, 0, 0, 1]), new Uint8Array([0x10, 0x01, 0, 0x01, 0, 0, 0, 0]), innerEth(inner4(1006))))), // GRE+ERSPAN II
    ethernet(0x0800, outerUdp(4789, concat(new Uint8Array([0x08, 0, 0, 0, 0, 0, 0x2a, 0]), innerEth(inner4(1007))))), // VXLAN
    ethernet(0x0800, outerUdp(6081, concat(new Uint8Array([0, 0, 0x65, 0x58, 0, 0, 0x2a, 0]), innerEth(inner4(1008))))), // Geneve
    ethernet(0x0800, outerUdp(2152, concat(new Uint8Array([0x30, 0xff, ...u16(inner4(1009).length), 0, 0, 0, 1]), inner4(1009)))), // GTP-U
    ethernet(0x0800, outer(4, inner4(1010))), // IP in IP
    ethernet(0x0800, outer(41, inner6(1011))), // 6in4
    ethernet(0x86dd, ipv6({ src: '2001:db8::a', dst: '2001:db8::b', next: 4 }, inner4(1012))), // 4in6
    ethernet(0x0800, outerUdp(3544, inner6(1013))), // Teredo
    ethernet(0x0800, outerUdp(5247, concat(new Uint8Array([0x00, 0x10, 0x02, 0x00, 0, 0, 0, 0]), innerEth(inner4(1014))))), // CAPWAP data, 802.3
    ethernet(0x0800, outerUdp(3544, bytesOf('not teredo at all'))), // a UDP port is a hint only: stays plain UDP
  ];
}

function fragmentFrames(): Uint8Array[] {
  const big = udp(5353, 53, new Uint8Array(2500).map((_, i) => i & 0xff));
  const v4 = fragmentIpv4({ src: '192.0.2.1', dst: '192.0.2.2', proto: 17, id: 0x1234 }, big, 1480).map((f) => ethernet(0x0800, f));
  const v6data = udp(5354, 53, new Uint8Array(2000).fill(0x42));
  const v6 = [
    ipv6Fragment(17, 0, true, 77, v6data.subarray(0, 1232)),
    ipv6Fragment(17, 1232, false, 77, v6data.subarray(1232)),
  ].map((f) => ethernet(0x86dd, ipv6({ src: '2001:db8::1', dst: '2001:db8::2', next: 44 }, f)));
  // out of order, interleaved, plus an orphan later fragment that never completes
  const orphan = ethernet(0x0800, fragmentIpv4({ src: '192.0.2.9', dst: '192.0.2.2', proto: 17, id: 9 }, big, 1480)[1]!);
  return [v4[1]!, v6[1]!, v4[0]!, orphan, v6[0]!];
}

function malformedFrames(): Uint8Array[] {
  const ok = ethernet(0x0800, ipv4({ src: '192.0.2.1', dst: '192.0.2.2', proto: 6 }, tcp(1111, 80, TCP_SYN)));
  return [
    ok.subarray(0, 10), // shorter than an Ethernet header
    ok.subarray(0, 30), // IPv4 header cut
    ethernet(0x0800, ipv4({ src: '192.0.2.1', dst: '192.0.2.2', proto: 6, totalLength: 900 }, tcp(1112, 80, TCP_SYN))), // lies about its length
    ethernet(0x0800, ipv4({ src: '192.0.2.1', dst: '192.0.2.2', proto: 6 }, tcp(1113, 80, TCP_SYN).subarray(0, 12))), // TCP header cut
    ethernet(0x0800, new Uint8Array([0x45, 0, 0, 20])), // nonsense
    ethernet(0x0806, new Uint8Array(28)), // ARP: not IP, not malformed
    ethernet(0x86dd, ipv6({ src: '2001:db8::1', dst: '2001:db8::2', next: 0 }, new Uint8Array([17, 200, 0, 0]))), // extension header runs off the end
    ok,
  ];
}

export function writeFixtures(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const put = (name: string, data: Uint8Array): void => {
    writeFileSync(join(dir, name), data);
    written.push(name);
  };
  // the README's sample: a bit of everything
  const sample = [...v4conv().map(etherOf), ...v6conv().map(etherOf), ...tunnelFrames(), ...fragmentFrames(),
    ethernet(0x0800, ipv4({ src: '192.0.2.10', dst: '198.51.100.1', proto: 1 }, icmpEcho(8, 1, 1))),
    ethernet(0x0800, ipv4({ src: '198.51.100.1', dst: '192.0.2.10', proto: 1 }, icmpEcho(0, 1, 1))),
    ethernet(0x86dd, ipv6({ src: '2001:db8::10', dst: '2001:db8::1', next: 58 }, icmpEcho(128, 1, 1)))];
  put('sample.pcap', writePcap(records(sample), { linkType: 1 }));
  put('tunnels.pcap', writePcap(records(tunnelFrames()), { linkType: 1 }));
  put('fragments.pcap', writePcap(records(fragmentFrames()), { linkType: 1 }));
  put('malformed.pcap', writePcap(records(malformedFrames()), { linkType: 1 }));
  for (const l of LINK_TYPES) {
    const ips = l.name === 'ipv4' ? v4conv() : [...v4conv(), ...v6conv()];
    put(`link-${l.name}.pcap`, writePcap(records(ips.map(l.frame)), { linkType: l.linkType }));
  }
  // nanosecond, big-endian classic pcap
  put('nanos-big-endian.pcap', writePcap(records(v4conv().map(etherOf), T0 + 0.123, 1000.5), { linkType: 1, nanos: true, bigEndian: true }));
  // pcapng: two interfaces with different link types and timestamp resolutions, big-endian
  const ifaces = [{ linkType: 1 }, { linkType: 101, tsresol: 9 }];
  const pk = [...v4conv().map((ip, i) => ({ iface: i % 2, ts: T0 + i * 10, data: i % 2 === 0 ? etherOf(ip) : ip }))];
  put('two-interfaces.pcapng', writePcapng(ifaces, pk, { bigEndian: true }));
  // the last record cut short, as when a capture is killed mid-write
  const whole = writePcap(records(v4conv().map(etherOf)), { linkType: 1 });
  put('truncated-end.pcap', whole.subarray(0, whole.length - 20));
  // snap length 64: every frame cut, wire lengths kept
  const cut = v4conv().map(etherOf).map((data, i) => ({ ts: T0 + i, data: data.subarray(0, Math.min(64, data.length)), wireLen: data.length }));
  put('snaplen-64.pcap', writePcap(cut, { linkType: 1, snaplen: 64 }));
  return written;
}


if (process.argv[1]?.endsWith('make-fixtures.js')) {
  const names = writeFixtures(repoPath('test', 'fixtures'));
  process.stdout.write(`wrote ${names.length} fixtures to test/fixtures/\n`);
}
