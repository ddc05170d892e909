import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Anomaly, AnomalyCounters } from '../decode/anomaly.js';
import { Layer } from '../decode/layers.js';
import { PacketDecoder } from '../decode/decoder.js';
import { LinkType } from '../decode/dispatch.js';
import { hex } from './bytes.js';
import { decodeLlc } from './llc.js';
import { IPV4_UDP, IPV6_TCP, decode, assertIpv4Udp, assertIpv6Tcp, assertNotIpClean, fuzz } from '../test-support/link-test-kit.js';

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

test('LLC: fuzzed input never throws', () => {
  const seeds = [LLC_SNAP_IPV4, LLC_BRIDGE_TUNNEL_IPV6, LLC_CDP, LLC_OTHER_OUI, LLC_STP, LLC_NETBIOS_I];
  fuzz(seeds, LinkType.Ethernet, 5000, 802);
});
