import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adjustChecksum, TraceAnonymizer } from './trace-anonymizer.js';
import { Pseudonymizer } from './pseudonymizer.js';
import { concat, ethernet, ipv4, ipv6, ipv6Bytes, tcp, TCP_ACK, TCP_PSH, udp, bytesOf } from '../test-support/packet-builder.js';
import { hexBytes as hex } from '../test-support/dpi-test-kit.js';
import { seededRandom } from '../test-support/prng.js';
import { formatIpv6 } from '../flow/address.js';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => (i * 91 + 7) & 0xff);
const p = new Pseudonymizer(KEY);
const dotted = (f: Uint8Array, at: number): string => [...f.subarray(at, at + 4)].join('.');
const six = (f: Uint8Array, at: number): string => { const w = (i: number): number => ((f[at + i]! << 24) | (f[at + i + 1]! << 16) | (f[at + i + 2]! << 8) | f[at + i + 3]!) >>> 0; return formatIpv6(w(0), w(4), w(8), w(12)); };

/** one's complement sum of 16-bit words (independent of the code under test) */
function sum16(bytes: Uint8Array, start = 0): number {
  let s = start;
  for (let i = 0; i < bytes.length; i += 2) s += (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}
const finish = (s: number): number => ~s & 0xffff;

/** the TCP/UDP/ICMPv6 checksum over a pseudo-header, for an IP packet at `ip` of an Ethernet frame */
function transportChecksum(f: Uint8Array, ip: number, l4: number, proto: number): number {
  const v6 = f[ip]! >> 4 === 6;
  const length = v6 ? ((f[ip + 4]! << 8) | f[ip + 5]!) - (l4 - ip - 40) : ((f[ip + 2]! << 8) | f[ip + 3]!) - (l4 - ip);
  const pseudo = v6
    ? concat(f.subarray(ip + 8, ip + 40), new Uint8Array([0, 0, length >> 8, length & 0xff, 0, 0, 0, proto]))
    : concat(f.subarray(ip + 12, ip + 20), new Uint8Array([0, proto, length >> 8, length & 0xff]));
  return finish(sum16(f.subarray(l4, l4 + length), sum16(pseudo)));
}

/** sets the checksum at `at` so that it is right */
function seal(f: Uint8Array, at: number, compute: () => number): Uint8Array {
  f[at] = 0;
  f[at + 1] = 0;
  const c = compute();
  f[at] = c >> 8;
  f[at + 1] = c & 0xff;
  return f;
}

function tcpFrame(): Uint8Array {
  const f = ethernet(0x0800, ipv4({ src: '192.0.2.10', dst: '198.51.100.20', proto: 6 }, tcp(50000, 80, TCP_PSH | TCP_ACK, bytesOf('GET /secret HTTP/1.1\r\nHost: a\r\n\r\n'))));
  return seal(f, 14 + 20 + 16, () => transportChecksum(f, 14, 34, 6));
}

test('TCP over IPv4: addresses pseudonymised, both checksums right, payload dropped with the lengths kept', () => {
  const frame = tcpFrame();
  const keep = new TraceAnonymizer(p, 'keep').frame(frame, 0, frame.length, 1);
  assert.equal(keep.length, frame.length);
  assert.equal(dotted(keep, 26), p.address('192.0.2.10'));
  assert.equal(dotted(keep, 30), p.address('198.51.100.20'));
  assert.equal(finish(sum16(keep.subarray(14, 34))), 0, 'IPv4 header checksum');
  assert.equal(transportChecksum(keep, 14, 34, 6), 0, 'TCP checksum over the pseudo-header');
  const drop = new TraceAnonymizer(p).frame(frame, 0, frame.length, 1);
  assert.equal(drop.length, 14 + 20 + 20, 'headers only');
  assert.deepEqual(drop, keep.subarray(0, drop.length), 'the same header bytes: its checksums hold over the original payload');
  assert.equal((drop[16]! << 8) | drop[17]!, frame.length - 14, 'the total length is kept');
  assert.deepEqual(new TraceAnonymizer(p, 10).frame(frame, 0, frame.length, 1).length, 14 + 20 + 20 + 10);
  assert.ok(!Buffer.from(drop).includes('secret'));
  assert.notDeepEqual(drop.subarray(0, 12), frame.subarray(0, 12), 'MACs replaced');
});

test('a DNS answer over UDP, kept: its A and AAAA addresses pseudonymised and the UDP checksum right', () => {
  const answer = hex(`
    1234 8180 0001 0002 0000 0000  03 777777 07 6578616d706c65 03 636f6d 00 0001 0001
    c00c 0001 0001 0000012c 0004 c0000201
    c00c 001c 0001 0000012c 0010 20010db8000000000000000000000001`);
  const f = ethernet(0x0800, ipv4({ src: '192.0.2.53', dst: '192.0.2.10', proto: 17 }, udp(53, 40000, answer)));
  seal(f, 40, () => transportChecksum(f, 14, 34, 17));
  const out = new TraceAnonymizer(p, 'keep').frame(f, 0, f.length, 1);
  const aaaa = f.length - 16;
  assert.equal(dotted(out, aaaa - 12 - 4), p.address('192.0.2.1'));
  assert.equal(six(out, aaaa), p.address('2001:db8::1'));
  assert.equal(transportChecksum(out, 14, 34, 17), 0);
  assert.equal(new TraceAnonymizer(p).frame(f, 0, f.length, 1).length, 42, 'dropped: no answers left');
});

test('ARP: sender and target addresses and MACs', () => {
  const arp = hex(`0001 0800 06 04 0001  02000000000a c0000a01  000000000000 c0000a02`);
  const out = new TraceAnonymizer(p).frame(ethernet(0x0806, arp, { dst: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff] }), 0, 14 + 28, 1);
  assert.equal(dotted(out, 28), p.address('192.0.10.1'));
  assert.equal(dotted(out, 38), p.address('192.0.10.2'));
  assert.deepEqual([...out.subarray(0, 6)], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 'broadcast stays broadcast');
  assert.equal([...out.subarray(22, 28)].map((b) => b.toString(16).padStart(2, '0')).join(':'), p.mac('02:00:00:00:00:0a'));
});

test("an ICMP error: the quoted header's addresses too, with the ICMP, quoted IP and quoted UDP checksums right", () => {
  const quotedUdp = udp(40000, 53, bytesOf('abcdefgh'));
  const quotedIp = ipv4({ src: '192.0.2.10', dst: '203.0.113.9', proto: 17 }, quotedUdp);
  seal(quotedIp, 26, () => transportChecksum(concat(new Uint8Array(14), quotedIp), 14, 34, 17));
  const icmp = concat(new Uint8Array([3, 3, 0, 0, 0, 0, 0, 0]), quotedIp);
  seal(icmp, 2, () => finish(sum16(icmp)));
  const f = ethernet(0x0800, ipv4({ src: '203.0.113.9', dst: '192.0.2.10', proto: 1 }, icmp));
  const out = new TraceAnonymizer(p, 'keep').frame(f, 0, f.length, 1);
  const inner = 14 + 20 + 8;
  assert.equal(dotted(out, inner + 12), p.address('192.0.2.10'));
  assert.equal(dotted(out, inner + 16), p.address('203.0.113.9'));
  assert.equal(finish(sum16(out.subarray(34))), 0, 'ICMP checksum');
  assert.equal(finish(sum16(out.subarray(inner, inner + 20))), 0, 'quoted IP header checksum');
  assert.equal(transportChecksum(concat(new Uint8Array(14), out.subarray(inner)), 14, 34, 17), 0, 'quoted UDP checksum');
  assert.equal(new TraceAnonymizer(p).frame(f, 0, f.length, 1).length, inner + 28, 'dropped: the quoted header and 8 bytes stay');
});

test('IPv6: UDP and a neighbour solicitation, checksums over the new pseudo-header', () => {
  const u = ethernet(0x86dd, ipv6({ src: '2001:db8:1::10', dst: '2001:db8:2::20', next: 17 }, udp(40000, 9999, bytesOf('hello'))));
  seal(u, 14 + 40 + 6, () => transportChecksum(u, 14, 54, 17));
  const out = new TraceAnonymizer(p, 'keep').frame(u, 0, u.length, 1);
  assert.equal(six(out, 22), p.address('2001:db8:1::10'));
  assert.equal(six(out, 38), p.address('2001:db8:2::20'));
  assert.equal(transportChecksum(out, 14, 54, 17), 0);
  const ns = concat(new Uint8Array([135, 0, 0, 0, 0, 0, 0, 0]), new Uint8Array(ipv6Bytes('2001:db8:1::1')));
  const n = ethernet(0x86dd, ipv6({ src: 'fe80::1', dst: 'ff02::1:ff00:1', next: 58 }, ns));
  seal(n, 14 + 40 + 2, () => transportChecksum(n, 14, 54, 58));
  const nout = new TraceAnonymizer(p).frame(n, 0, n.length, 1);
  assert.equal(six(nout, 62), p.address('2001:db8:1::1'), 'the target address');
  assert.equal(transportChecksum(nout, 14, 54, 58), 0);
});

test('tunnels: the inner packets of VXLAN and GRE, and the outer UDP checksum over them', () => {
  const innerFrame = tcpFrame();
  const vx = ethernet(0x0800, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 17 }, udp(40000, 4789, concat(hex('08000000 00000100'), innerFrame))));
  seal(vx, 40, () => transportChecksum(vx, 14, 34, 17));
  const out = new TraceAnonymizer(p, 'keep').frame(vx, 0, vx.length, 1);
  const inner = 14 + 20 + 8 + 8;
  assert.equal(dotted(out, inner + 26), p.address('192.0.2.10'));
  assert.equal(transportChecksum(out, 14, 34, 17), 0, 'outer UDP');
  assert.equal(transportChecksum(out, inner + 14, inner + 34, 6), 0, 'inner TCP');
  assert.equal(new TraceAnonymizer(p).frame(vx, 0, vx.length, 1).length, inner + 54, 'dropped: the inner headers stay');
  const gre = ethernet(0x0800, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 47 }, concat(hex('0000 0800'), innerFrame.subarray(14))));
  const gout = new TraceAnonymizer(p).frame(gre, 0, gre.length, 1);
  assert.equal(dotted(gout, 14 + 20 + 4 + 12), p.address('192.0.2.10'));
  assert.equal(gout.length, 14 + 20 + 4 + 40);
});

test('adjustChecksum agrees with recomputing, for random changes at odd and even offsets', () => {
  const rnd = seededRandom(5);
  for (let trial = 0; trial < 500; trial++) {
    const data = Uint8Array.from({ length: 40 + Math.floor(rnd() * 40) }, () => Math.floor(rnd() * 256));
    data[0] = 0; data[1] = 0;
    const c = finish(sum16(data));
    data[0] = c >> 8; data[1] = c & 0xff;
    const from = 2 + Math.floor(rnd() * (data.length - 10));
    const length = 1 + Math.floor(rnd() * 7);
    const before = data.slice(from, from + length);
    for (let i = 0; i < length; i++) data[from + i] = Math.floor(rnd() * 256);
    adjustChecksum(data, 0, before, data, from, length, from & 1);
    assert.equal(finish(sum16(data)), 0, `trial ${trial}`);
  }
});

test('frames it cannot follow: dropped after the last header it knows, never thrown', () => {
  const a = new TraceAnonymizer(p);
  assert.equal(a.frame(new Uint8Array([1, 2, 3]), 0, 3, 1).length, 3);
  assert.equal(a.frame(ethernet(0x88cc, bytesOf('lldp data')), 0, 23, 1).length, 14);
  const truncated = tcpFrame().subarray(0, 40);
  assert.equal(a.frame(truncated, 0, truncated.length, 1).length, 40);
  assert.ok(a.unparsed >= 2);
});

test('PPPoE, MPLS (with and without a pseudowire control word), Cisco HDLC, PPP and PPI: the IP inside is found', () => {
  const inner = ipv4({ src: '192.0.2.10', dst: '198.51.100.20', proto: 17 }, udp(1000, 2000, bytesOf('payload!')));
  const ipAt = (f: Uint8Array): number => f.length - inner.length;
  const check = (name: string, f: Uint8Array, link = 1): void => {
    const out = new TraceAnonymizer(p).frame(f, 0, f.length, link);
    const at = ipAt(f);
    assert.equal(dotted(out, at + 12), p.address('192.0.2.10'), name);
    assert.equal(dotted(out, at + 16), p.address('198.51.100.20'), name);
    assert.equal(out.length, at + 28, `${name}: cut after the UDP header`);
  };
  check('PPPoE session', ethernet(0x8864, concat(Uint8Array.of(0x11, 0, 0x12, 0x34, 0, inner.length + 2, 0x00, 0x21), inner), { vlans: [100, 200] }));
  const label = (bottom: boolean): number[] => [0x00, 0x01, 0x00 | (bottom ? 1 : 0), 64];
  check('MPLS, two labels', ethernet(0x8847, concat(Uint8Array.from([...label(false), ...label(true)]), inner)));
  const innerEthernet = ethernet(0x0800, inner);
  check('MPLS pseudowire with a control word', ethernet(0x8847, concat(Uint8Array.from([...label(true), 0, 0, 0, 0]), innerEthernet)));
  check('MPLS pseudowire without a control word', ethernet(0x8847, concat(Uint8Array.from(label(true)), innerEthernet)));
  check('Cisco HDLC', concat(Uint8Array.of(0x0f, 0x00, 0x08, 0x00), inner), 104);
  check('Cisco HDLC framing under the PPP link type', concat(Uint8Array.of(0x0f, 0x00, 0x08, 0x00), inner), 9);
  check('PPP in HDLC framing', concat(Uint8Array.of(0xff, 0x03, 0x00, 0x21), inner), 9);
  check('PPI around Ethernet', concat(Uint8Array.of(0, 0, 8, 0, 1, 0, 0, 0), ethernet(0x0800, inner)), 192);
});

test('a TSO capture\'s IP length 0 is written as the length it stood for; a length the whole frame cannot hold is marked malformed', () => {
  const frame = tcpFrame();
  frame[16] = 0;
  frame[17] = 0;
  seal(frame, 24, () => finish(sum16(frame.subarray(14, 34))));
  const a = new TraceAnonymizer(p);
  const out = a.frame(frame, 0, frame.length, 1);
  assert.equal((out[16]! << 8) | out[17]!, frame.length - 14);
  assert.equal(finish(sum16(out.subarray(14, 34))), 0, 'IPv4 header checksum over the new length');
  assert.equal(a.malformedLength, false);
  // cut by the snap length: the length 0 is left alone (what it stood for is unknown)
  const cut = a.frame(frame, 0, 60, 1, frame.length);
  assert.equal((cut[16]! << 8) | cut[17]!, 0);
  const long = tcpFrame();
  long[17] += 40; // claims 40 bytes more than the frame holds
  a.frame(long, 0, long.length, 1);
  assert.equal(a.malformedLength, true);
  a.frame(long, 0, 60, 1, long.length + 40);
  assert.equal(a.malformedLength, false, 'a snap-length cut is no malformed packet');
});

test('a frame nesting thousands of IP-in-IP headers is cut, never overflows the stack', () => {
  let packet = udp(1, 2, bytesOf('x'));
  let proto = 17;
  for (let i = 0; i < 12_000; i++) {
    packet = ipv4({ src: '192.0.2.1', dst: '192.0.2.2', proto }, packet);
    proto = 4;
  }
  const frame = ethernet(0x0800, packet);
  for (const policy of ['drop', 'keep'] as const) {
    const a = new TraceAnonymizer(p, policy);
    const out = a.frame(frame, 0, frame.length, 1);
    assert.equal(out.length, 14 + 12 * 20, `${policy}: cut before the 13th IP header`);
    assert.equal(a.unparsed, 1);
    assert.equal(dotted(out, 14 + 11 * 20 + 12), p.address('192.0.2.1'));
  }
});
