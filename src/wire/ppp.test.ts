import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Anomaly, AnomalyCounters } from '../decode/anomaly.js';
import { Layer } from '../decode/layers.js';
import { PacketDecoder } from '../decode/decoder.js';
import { LinkType } from '../decode/dispatch.js';
import { hex } from './bytes.js';
import { decodePpp } from './ppp.js';

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

// PPP[IPv4[UDP]]: address/control then a 2-byte protocol
const PPP_FULL_IPV4 = hex(`
  ff 03        # address, control
  00 21        # protocol: IPv4
  ${IPV4_UDP}
`);
// PPP[IPv6[TCP]]: address/control field compression (no ff 03)
const PPP_ACFC_IPV6 = hex(`
  00 57        # protocol: IPv6
  ${IPV6_TCP}
`);
// PPP[IPv4[UDP]]: address/control + protocol field compression (1-byte protocol, odd)
const PPP_PFC_IPV4 = hex(`
  ff 03  21
  ${IPV4_UDP}
`);
// PPP[IPv4[UDP]]: both compressions, the frame starts with the 1-byte protocol
const PPP_BARE_IPV4 = hex(`
  21
  ${IPV4_UDP}
`);
// PPP[LCP]: a control protocol, not IP
const PPP_LCP = hex(`
  ff 03  c0 21
  01 01 00 0a  05 06 12 34 56 78   # Configure-Request, magic number
`);
// PPP[MPLS]: protocol 0x0281 → the MPLS layer
const PPP_MPLS = hex(`
  ff 03  02 81
  00 01 01 40   # label 16, bottom of stack, TTL 64
  ${IPV4_UDP}
`);
// C_HDLC[IPv4[UDP]] on a PPP link (Cisco HDLC framing, address 0x0F)
const PPP_CHDLC_IPV4 = hex(`
  0f 00  08 00
  ${IPV4_UDP}
`);
// PPP_SERIAL: PPP[IPv6[TCP]] in HDLC-like framing
const HDLC_IPV6 = hex(`
  ff 03  00 57
  ${IPV6_TCP}
`);
// PPP_SERIAL: C_HDLC[IPv6[TCP]], broadcast address 0x8F
const HDLC_CHDLC_IPV6 = hex(`
  8f 00  86 dd
  ${IPV6_TCP}
`);

test('PPP: full header, ACFC, PFC and both compressions', () => {
  assertIpv4Udp(PPP_FULL_IPV4, LinkType.Ppp);
  assertIpv6Tcp(PPP_ACFC_IPV6, LinkType.Ppp);
  assertIpv4Udp(PPP_PFC_IPV4, LinkType.Ppp);
  assertIpv4Udp(PPP_BARE_IPV4, LinkType.Ppp);
});

test('PPP: control protocols end without an anomaly', () => {
  assertNotIpClean(PPP_LCP, LinkType.Ppp);
});

test('PPP: a control byte other than 0x03 is skipped like 0x03 (as Wireshark and nDPI do)', () => {
  // PPP[IPv4[UDP]] with control 0x00
  assertIpv4Udp(hex(`ff 00  00 21  ${IPV4_UDP}`), LinkType.Ppp);
  // PPP[IPv4[UDP]] with control 0x13 and a compressed protocol
  assertIpv4Udp(hex(`ff 13  21  ${IPV4_UDP}`), LinkType.PppHdlc);
});

test('PPP: protocol 0x0281 hands over to MPLS after the PPP header', () => {
  const p = new PacketDecoder(new AnomalyCounters()).packet;
  p.reset(PPP_MPLS, 0, PPP_MPLS.length, PPP_MPLS.length, 0, LinkType.Ppp);
  assert.equal(decodePpp(p), Layer.Mpls);
  assert.equal(p.off, 4);
  assert.equal(p.anomaly, -1);
});

test('PPP: Cisco HDLC framing is recognised on PPP and PPP_SERIAL links', () => {
  assertIpv4Udp(PPP_CHDLC_IPV4, LinkType.Ppp);
  assertIpv4Udp(PPP_CHDLC_IPV4, LinkType.PppHdlc);
  assertIpv6Tcp(HDLC_CHDLC_IPV6, LinkType.PppHdlc);
});

test('PPP_SERIAL: HDLC-framed PPP', () => {
  assertIpv6Tcp(HDLC_IPV6, LinkType.PppHdlc);
  assertIpv4Udp(PPP_FULL_IPV4, LinkType.PppHdlc);
  assertNotIpClean(PPP_LCP, LinkType.PppHdlc);
});

test('PPP: truncated headers are truncated_ppp', () => {
  for (const linkType of [LinkType.Ppp, LinkType.PppHdlc]) {
    for (const bytes of ['', 'ff', 'ff 03', 'ff 03 00', '00', '02']) {
      const { p, counters } = decode(hex(bytes), linkType);
      assert.equal(p.anomaly, Anomaly.truncated_ppp, `"${bytes}" on ${linkType}`);
      assert.equal(counters.counts[Anomaly.truncated_ppp], 1);
    }
    // a whole PPP header with nothing after it: the IPv4 layer is what is truncated
    assert.equal(decode(hex('ff 03 00 21'), linkType).p.anomaly, Anomaly.truncated_ipv4);
    assert.equal(decode(hex('21'), linkType).p.anomaly, Anomaly.truncated_ipv4);
    // Cisco HDLC framing with a short header is the Cisco HDLC decoder's anomaly
    assert.equal(decode(hex('0f 00 08'), linkType).p.anomaly, Anomaly.truncated_cisco_hdlc);
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

test('PPP and PPP_SERIAL: fuzzed input never throws', () => {
  const seeds = [PPP_FULL_IPV4, PPP_ACFC_IPV6, PPP_PFC_IPV4, PPP_BARE_IPV4, PPP_LCP, PPP_MPLS, PPP_CHDLC_IPV4];
  fuzz(seeds, LinkType.Ppp, 4000, 9);
  fuzz([...seeds, HDLC_IPV6, HDLC_CHDLC_IPV6], LinkType.PppHdlc, 4000, 50);
});
