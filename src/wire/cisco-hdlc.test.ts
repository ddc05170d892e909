import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Anomaly, AnomalyCounters } from '../decode/anomaly.js';
import { Layer } from '../decode/layers.js';
import { PacketDecoder } from '../decode/decoder.js';
import { LinkType } from '../decode/dispatch.js';
import { hex } from './bytes.js';
import { decodeCiscoHdlc } from './cisco-hdlc.js';
import { IPV4_UDP, IPV6_TCP, decode, assertIpv4Udp, assertIpv6Tcp, assertNotIpClean, fuzz } from '../test-support/link-test-kit.js';

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

test('Cisco HDLC: fuzzed input never throws', () => {
  fuzz([CHDLC_IPV4, CHDLC_IPV6, CHDLC_SLARP, CHDLC_CDP, CHDLC_MPLS], LinkType.CiscoHdlc, 4000, 104);
});
