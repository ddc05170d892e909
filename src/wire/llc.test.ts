import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Anomaly, AnomalyCounters } from '../decode/anomaly.js';
import { Layer } from '../decode/layers.js';
import { PacketDecoder } from '../decode/decoder.js';
import { LinkType } from '../decode/dispatch.js';
import { hex } from './bytes.js';
import { decodeLlc } from './llc.js';

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

function assertNotIpClean(buf: Uint8Array, linkType: number): void {
  const { p, counters } = decode(buf, linkType);
  assert.equal(p.anomaly, -1);
  assert.deepEqual(counters.toObject(), {});
  assert.equal(p.ipVersion, 0);
  assert.equal(p.l4Proto, -1);
}

// Ethernet (802.3 length) → LLC
const ETH_8023 = `00 11 22 33 44 55  66 77 88 99 aa bb`;

// Ethernet[LLC[SNAP[IPv4[UDP]]]] (RFC 1042)
const LLC_SNAP_IPV4 = hex(`
  ${ETH_8023}  00 25       # length 37
  aa aa 03                 # DSAP SNAP, SSAP SNAP, control UI
  00 00 00  08 00          # OUI 00-00-00, EtherType IPv4
  ${IPV4_UDP}
`);
// Ethernet[LLC[SNAP(802.1H)[IPv6[TCP]]]]
const LLC_BRIDGE_TUNNEL_IPV6 = hex(`
  ${ETH_8023}  00 4c
  aa aa 03  00 00 f8  86 dd   # OUI 00-00-F8 (bridge tunnel)
  ${IPV6_TCP}
`);
// Ethernet[LLC[SNAP(Cisco)[CDP]]]: the protocol id is Cisco's, not an EtherType
const LLC_CDP = hex(`
  01 00 0c cc cc cc  66 77 88 99 aa bb  00 10
  aa aa 03  00 00 0c  20 00
  02 b4 aa bb 00 01 00 08
`);
// Ethernet[LLC[SNAP(Apple)]]: 0x0800 under another OUI is not IPv4
const LLC_OTHER_OUI = hex(`
  ${ETH_8023}  00 25
  aa aa 03  08 00 07  08 00
  ${IPV4_UDP}
`);
// Ethernet[LLC[STP]]
const LLC_STP = hex(`
  01 80 c2 00 00 00  66 77 88 99 aa bb  00 26
  42 42 03                 # DSAP/SSAP STP, UI
  00 00 00 00 00 80 00 66 77 88 99 aa bb 00 00 00 00
`);
// Ethernet[LLC[NetBIOS]] with an I-frame (2-byte control)
const LLC_NETBIOS_I = hex(`
  ${ETH_8023}  00 08
  f0 f0 00 02              # DSAP/SSAP NetBIOS, I-frame control (2 bytes)
  ff ef 00 00
`);

test('LLC: SNAP with an EtherType decodes to IP', () => {
  assertIpv4Udp(LLC_SNAP_IPV4, LinkType.Ethernet);
  assertIpv6Tcp(LLC_BRIDGE_TUNNEL_IPV6, LinkType.Ethernet);
});

test('LLC: other OUIs and SAPs end without an anomaly', () => {
  for (const buf of [LLC_CDP, LLC_OTHER_OUI, LLC_STP, LLC_NETBIOS_I]) assertNotIpClean(buf, LinkType.Ethernet);
});

test('LLC: advances past the header', () => {
  for (const [buf, len, next] of [
    [LLC_SNAP_IPV4, 8, Layer.Ipv4],
    [LLC_STP, 3, Layer.End],
    [LLC_NETBIOS_I, 4, Layer.End],
  ] as const) {
    const p = new PacketDecoder(new AnomalyCounters()).packet;
    p.reset(buf, 14, buf.length - 14, buf.length - 14, 0, LinkType.Ethernet);
    assert.equal(decodeLlc(p), next);
    assert.equal(p.off, 14 + len);
  }
});

test('LLC: truncated headers are truncated_llc', () => {
  const cases = [
    LLC_SNAP_IPV4.slice(0, 14),
    LLC_SNAP_IPV4.slice(0, 16),
    LLC_SNAP_IPV4.slice(0, 21),      // SNAP header cut short
    LLC_NETBIOS_I.slice(0, 17),      // I-frame without its second control byte
  ];
  for (const buf of cases) {
    const { p, counters } = decode(buf, LinkType.Ethernet);
    assert.equal(p.anomaly, Anomaly.truncated_llc, `length ${buf.length}`);
    assert.equal(counters.counts[Anomaly.truncated_llc], 1);
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

test('LLC: fuzzed input never throws', () => {
  const seeds = [LLC_SNAP_IPV4, LLC_BRIDGE_TUNNEL_IPV6, LLC_CDP, LLC_OTHER_OUI, LLC_STP, LLC_NETBIOS_I];
  fuzz(seeds, LinkType.Ethernet, 5000, 802);
});
