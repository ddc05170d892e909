import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Anomaly, AnomalyCounters } from '../decode/anomaly.js';
import { Layer } from '../decode/layers.js';
import { PacketDecoder } from '../decode/decoder.js';
import { LinkType } from '../decode/dispatch.js';
import { hex } from './bytes.js';
import { decodeCiscoHdlc } from './cisco-hdlc.js';

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

// C_HDLC[IPv4[UDP]], unicast
const CHDLC_IPV4 = hex(`
  0f           # address: unicast
  00           # control
  08 00        # protocol: IPv4
  ${IPV4_UDP}
`);
// C_HDLC[IPv6[TCP]], broadcast
const CHDLC_IPV6 = hex(`
  8f 00  86 dd
  ${IPV6_TCP}
`);
// C_HDLC[SLARP] keepalive
const CHDLC_SLARP = hex(`
  8f 00  80 35
  00 00 00 02                  # SLARP keepalive
  00 00 00 07  00 00 00 06     # my sequence, your sequence
  ff ff
`);
// C_HDLC[CDP]
const CHDLC_CDP = hex(`
  8f 00  20 00
  02 b4 aa bb  00 01 00 08 52 31 00 00
`);
// C_HDLC[MPLS]
const CHDLC_MPLS = hex(`
  0f 00  88 47
  00 01 01 40
  ${IPV4_UDP}
`);

test('Cisco HDLC: IPv4 and IPv6', () => {
  assertIpv4Udp(CHDLC_IPV4, LinkType.CiscoHdlc);
  assertIpv6Tcp(CHDLC_IPV6, LinkType.CiscoHdlc);
});

test('Cisco HDLC: SLARP and CDP end without an anomaly', () => {
  assertNotIpClean(CHDLC_SLARP, LinkType.CiscoHdlc);
  assertNotIpClean(CHDLC_CDP, LinkType.CiscoHdlc);
});

test('Cisco HDLC: MPLS EtherType hands over to MPLS after 4 bytes', () => {
  const p = new PacketDecoder(new AnomalyCounters()).packet;
  p.reset(CHDLC_MPLS, 0, CHDLC_MPLS.length, CHDLC_MPLS.length, 0, LinkType.CiscoHdlc);
  assert.equal(decodeCiscoHdlc(p), Layer.Mpls);
  assert.equal(p.off, 4);
});

test('Cisco HDLC: fewer than 4 bytes is truncated_cisco_hdlc', () => {
  for (let n = 0; n < 4; n++) {
    const { p, counters } = decode(CHDLC_IPV4.slice(0, n), LinkType.CiscoHdlc);
    assert.equal(p.anomaly, Anomaly.truncated_cisco_hdlc, `length ${n}`);
    assert.equal(counters.counts[Anomaly.truncated_cisco_hdlc], 1);
  }
  assert.equal(decode(CHDLC_IPV4.slice(0, 4), LinkType.CiscoHdlc).p.anomaly, Anomaly.truncated_ipv4);
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

test('Cisco HDLC: fuzzed input never throws', () => {
  fuzz([CHDLC_IPV4, CHDLC_IPV6, CHDLC_SLARP, CHDLC_CDP, CHDLC_MPLS], LinkType.CiscoHdlc, 4000, 104);
});
