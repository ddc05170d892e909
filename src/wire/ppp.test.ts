import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Anomaly, AnomalyCounters } from '../decode/anomaly.js';
import { Layer } from '../decode/layers.js';
import { PacketDecoder } from '../decode/decoder.js';
import { LinkType } from '../decode/dispatch.js';
import { hex } from './bytes.js';
import { decodePpp } from './ppp.js';
import { IPV4_UDP, IPV6_TCP, decode, assertIpv4Udp, assertIpv6Tcp, assertNotIpClean, fuzz } from '../test-support/link-test-kit.js';

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

test('PPP and PPP_SERIAL: fuzzed input never throws', () => {
  const seeds = [PPP_FULL_IPV4, PPP_ACFC_IPV6, PPP_PFC_IPV4, PPP_BARE_IPV4, PPP_LCP, PPP_MPLS, PPP_CHDLC_IPV4];
  fuzz(seeds, LinkType.Ppp, 4000, 9);
  fuzz([...seeds, HDLC_IPV6, HDLC_CHDLC_IPV6], LinkType.PppHdlc, 4000, 50);
});
