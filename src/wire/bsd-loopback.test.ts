import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Anomaly, AnomalyCounters } from '../decode/anomaly.js';
import { PacketDecoder } from '../decode/decoder.js';
import { LinkType } from '../decode/dispatch.js';
import { hex } from './bytes.js';

// IPv4 192.168.1.2 → 192.168.1.3, UDP 12345 → 53, 1 byte of payload
const IPV4_UDP = `
  45 00 00 1d  00 01 00 00  40 11 00 00   # v4 IHL 5, total 29, TTL 64, proto UDP
  c0 a8 01 02  c0 a8 01 03                # src, dst
  30 39 00 35  00 09 00 00  78            # UDP sport 12345 dport 53 len 9, payload 'x'
`;
// IPv6 2001:db8::1 → 2001:db8::2, TCP 49153 → 443 SYN
const IPV6_TCP = `
  60 00 00 00  00 14 06 40                # v6, payload 20, next TCP, hop limit 64
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02
  c0 01 01 bb  00 00 00 01  00 00 00 00  50 02 ff ff  00 00 00 00   # TCP SYN
`;

function decode(buf: Uint8Array, linkType: number, capLen = buf.length) {
  const counters = new AnomalyCounters();
  const p = new PacketDecoder(counters).decode(buf, 0, capLen, buf.length, 0, linkType);
  return { p, counters };
}

function assertIpv4Udp(buf: Uint8Array, linkType: number): void {
  const { p } = decode(buf, linkType);
  assert.equal(p.anomaly, -1);
  assert.equal(p.ipVersion, 4);
  assert.equal(p.addr[0], 0xc0a80102);
  assert.equal(p.addr[4], 0xc0a80103);
  assert.equal(p.l4Proto, 17);
  assert.equal(p.sport, 12345);
  assert.equal(p.dport, 53);
  assert.equal(p.payloadLen, 1);
}

function assertIpv6Tcp(buf: Uint8Array, linkType: number): void {
  const { p } = decode(buf, linkType);
  assert.equal(p.anomaly, -1);
  assert.equal(p.ipVersion, 6);
  assert.deepEqual([...p.addr], [0x20010db8, 0, 0, 1, 0x20010db8, 0, 0, 2]);
  assert.equal(p.l4Proto, 6);
  assert.equal(p.sport, 49153);
  assert.equal(p.dport, 443);
  assert.equal(p.tcpFlags, 0x02);
}

// NULL[IPv4[UDP]] written by a little-endian host
const NULL_LE_IPV4 = hex(`
  02 00 00 00   # AF_INET, little-endian
  ${IPV4_UDP}
`);
// NULL[IPv4[UDP]] written by a big-endian host
const NULL_BE_IPV4 = hex(`
  00 00 00 02   # AF_INET, big-endian
  ${IPV4_UDP}
`);
// NULL[IPv6[TCP]] with each system's AF_INET6, in both byte orders
const INET6_FAMILIES = [10, 24, 28, 30] as const;
function nullIpv6(af: number, littleEndian: boolean): Uint8Array {
  const header = littleEndian ? `${af.toString(16).padStart(2, '0')} 00 00 00` : `00 00 00 ${af.toString(16).padStart(2, '0')}`;
  return hex(`${header} ${IPV6_TCP}`);
}
// NULL[?]: AF 7 (OSI) is not a family sonde decodes
const NULL_UNKNOWN_AF = hex(`
  07 00 00 00
  ${IPV4_UDP}
`);
// LOOP[IPv4[UDP]]: always network byte order
const LOOP_IPV4 = hex(`
  00 00 00 02
  ${IPV4_UDP}
`);
// LOOP[IPv6[TCP]] (OpenBSD AF_INET6 = 24)
const LOOP_IPV6 = hex(`
  00 00 00 18
  ${IPV6_TCP}
`);
// LOOP with a little-endian AF_INET is 0x02000000 in network order: not a family
const LOOP_LE_FAMILY = hex(`
  02 00 00 00
  ${IPV4_UDP}
`);

test('NULL: AF_INET in either byte order', () => {
  assertIpv4Udp(NULL_LE_IPV4, LinkType.Null);
  assertIpv4Udp(NULL_BE_IPV4, LinkType.Null);
});

test('NULL: every AF_INET6 value, either byte order', () => {
  for (const af of INET6_FAMILIES) {
    assertIpv6Tcp(nullIpv6(af, true), LinkType.Null);
    assertIpv6Tcp(nullIpv6(af, false), LinkType.Null);
  }
});

test('NULL and LOOP: unknown address family is an anomaly', () => {
  for (const [buf, linkType] of [
    [NULL_UNKNOWN_AF, LinkType.Null],
    [LOOP_LE_FAMILY, LinkType.Loop],
  ] as const) {
    const { p, counters } = decode(buf, linkType);
    assert.equal(p.anomaly, Anomaly.unknown_bsd_address_family);
    assert.equal(counters.counts[Anomaly.unknown_bsd_address_family], 1);
    assert.equal(p.ipVersion, 0);
  }
});

test('LOOP: network byte order families', () => {
  assertIpv4Udp(LOOP_IPV4, LinkType.Loop);
  assertIpv6Tcp(LOOP_IPV6, LinkType.Loop);
});

test('NULL and LOOP: fewer than 4 bytes is truncated_link_header', () => {
  for (const linkType of [LinkType.Null, LinkType.Loop]) {
    for (let n = 0; n < 4; n++) {
      const { p, counters } = decode(LOOP_IPV4.slice(0, n), linkType);
      assert.equal(p.anomaly, Anomaly.truncated_link_header, `length ${n}`);
      assert.equal(counters.counts[Anomaly.truncated_link_header], 1);
    }
    // 4 bytes: the header is whole, the IPv4 header is what is missing
    assert.equal(decode(LOOP_IPV4.slice(0, 4), linkType).p.anomaly, Anomaly.truncated_ipv4);
  }
});

/** mulberry32: a small seeded PRNG so fuzz failures reproduce */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fuzz(seeds: readonly Uint8Array[], linkType: number, rounds: number, seed: number): void {
  const rnd = prng(seed);
  const decoder = new PacketDecoder(new AnomalyCounters());
  for (let i = 0; i < rounds; i++) {
    let buf: Uint8Array;
    if (i % 4 === 0) {
      buf = new Uint8Array(Math.floor(rnd() * 64));
      for (let j = 0; j < buf.length; j++) buf[j] = Math.floor(rnd() * 256);
    } else {
      const src = seeds[Math.floor(rnd() * seeds.length)]!;
      buf = src.slice(0, Math.floor(rnd() * (src.length + 1)));
      const flips = 1 + Math.floor(rnd() * 4);
      for (let k = 0; k < flips && buf.length > 0; k++) {
        // bias mutations toward the link header, where this decoder reads
        const pos = Math.floor(rnd() * Math.min(buf.length, rnd() < 0.7 ? 24 : buf.length));
        buf[pos] = Math.floor(rnd() * 256);
      }
    }
    const p = decoder.decode(buf, 0, buf.length, buf.length, i, linkType);
    assert.ok(p.off <= p.end && p.end <= p.buf.length, `cursor out of bounds on input ${i}`);
  }
}

test('NULL and LOOP: fuzzed input never throws', () => {
  const seeds = [NULL_LE_IPV4, NULL_BE_IPV4, nullIpv6(30, true), nullIpv6(24, false), NULL_UNKNOWN_AF];
  fuzz(seeds, LinkType.Null, 4000, 0);
  fuzz([LOOP_IPV4, LOOP_IPV6, LOOP_LE_FAMILY], LinkType.Loop, 4000, 108);
});
