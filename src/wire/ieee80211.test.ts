import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Anomaly, AnomalyCounters } from '../decode/anomaly.js';
import { Layer } from '../decode/layers.js';
import { PacketDecoder } from '../decode/decoder.js';
import { LinkType } from '../decode/dispatch.js';
import { hex } from './bytes.js';
import { decodeIeee80211, decodeIeee80211Prism } from './ieee80211.js';
import { IPV4_UDP, IPV6_TCP, WLAN_DATA_IPV4, decode, assertIpv4Udp, assertIpv6Tcp, assertNotIpClean, fuzz } from '../test-support/link-test-kit.js';

const SNAP_IPV4 = `aa aa 03  00 00 00  08 00  ${IPV4_UDP}`;
const SNAP_IPV6 = `aa aa 03  00 00 00  86 dd  ${IPV6_TCP}`;
const ADDRS3 = `00 11 22 33 44 55  66 77 88 99 aa bb  00 11 22 33 44 66`;

// 802.11[LLC[SNAP[IPv4[UDP]]]]: plain data, ToDS
const WLAN_IPV4 = hex(WLAN_DATA_IPV4);

// 802.11 QoS data, FromDS, QoS control → [LLC[SNAP[IPv6[TCP]]]]
const WLAN_QOS_IPV6 = hex(`
  88 02  2c 00  ${ADDRS3}  20 00   # QoS data (subtype 8), FromDS
  05 00                            # QoS control: TID 5
  ${SNAP_IPV6}
`);

// 802.11 QoS data, 4 addresses (ToDS+FromDS), Order bit → HT control: header 24+6+2+4 = 36
const WLAN_QOS_4ADDR_HT_IPV4 = hex(`
  88 83  2c 00  ${ADDRS3}  30 00   # QoS data; flags ToDS, FromDS, Order
  de ad be ef 00 01                # addr4
  00 00                            # QoS control
  00 00 00 00                      # HT control
  ${SNAP_IPV4}
`);

// 802.11 non-QoS data with the Order bit: no HT control field, header stays 24
const WLAN_ORDER_NO_QOS_IPV4 = hex(`
  08 81  2c 00  ${ADDRS3}  40 00   # data; flags ToDS, Order
  ${SNAP_IPV4}
`);

// 802.11 A-MSDU: QoS control bit 7, then a subframe header (DA, SA, length) before the LLC
const WLAN_AMSDU_IPV4 = hex(`
  88 01  2c 00  ${ADDRS3}  50 00
  80 00                            # QoS control: A-MSDU present
  00 11 22 33 44 66  66 77 88 99 aa bb  00 25   # subframe: DA, SA, length 37 (8 LLC + 29 IP)
  ${SNAP_IPV4}
  00 00 00                         # padding to 4 bytes before the next subframe
  00 11 22 33 44 66  66 77 88 99 aa bb  00 08   # second subframe
  aa aa 03 00 00 00 08 06
`);

// Frames that carry no readable IP: each has an IPv4 packet after the header so a decoder that
// ignored the reason would find it.
const WLAN_PROTECTED = hex(`08 41  2c 00  ${ADDRS3}  60 00  ${SNAP_IPV4}`);        // Protected
const WLAN_NULL = hex(`48 01  2c 00  ${ADDRS3}  70 00  ${SNAP_IPV4}`);             // null data
const WLAN_QOS_NULL = hex(`c8 01  2c 00  ${ADDRS3}  80 00  00 00  ${SNAP_IPV4}`);  // QoS null
const WLAN_FRAGMENT = hex(`08 01  2c 00  ${ADDRS3}  91 00  ${SNAP_IPV4}`);         // fragment 1
const WLAN_BEACON = hex(`80 00  00 00  ff ff ff ff ff ff  66 77 88 99 aa bb  00 11 22 33 44 55  00 00  ${SNAP_IPV4}`);
const WLAN_ACK = hex(`d4 00  00 00  00 11 22 33 44 55`);                          // 10 bytes

// Prism[802.11[…]]: message code, message length, device name, 10 DID items = 144 bytes
function prism(msgcodeAndLength: string): Uint8Array {
  return hex(`${msgcodeAndLength} ${'00 '.repeat(136)} ${WLAN_DATA_IPV4}`);
}
const PRISM = prism('41 00 00 00  90 00 00 00');      // msgcode 0x41, length 144 (LE)
const PRISM_BE = prism('00 00 00 44  00 00 00 90');   // msgcode 0x44, big-endian host
const PRISM_BAD_LEN = prism('41 00 00 00  20 00 00 00'); // length field 32: ignored, the layout is fixed
// AVS[802.11[…]]: cookie 0x80211001, length 64, big-endian
const AVS = hex(`80 21 10 01  00 00 00 40  ${'00 '.repeat(56)} ${WLAN_DATA_IPV4}`);
// AVS version 2[802.11[…]]: cookie 0x80211002, length 72
const AVS2 = hex(`80 21 10 02  00 00 00 48  ${'00 '.repeat(64)} ${WLAN_DATA_IPV4}`);

test('802.11: data frames of every header layout decode to IP', () => {
  assertIpv4Udp(WLAN_IPV4, LinkType.Ieee80211);
  assertIpv6Tcp(WLAN_QOS_IPV6, LinkType.Ieee80211);
  assertIpv4Udp(WLAN_QOS_4ADDR_HT_IPV4, LinkType.Ieee80211);
  assertIpv4Udp(WLAN_ORDER_NO_QOS_IPV4, LinkType.Ieee80211);
  assertIpv4Udp(WLAN_AMSDU_IPV4, LinkType.Ieee80211);
});

test('802.11: header length per layout', () => {
  for (const [buf, len] of [
    [WLAN_IPV4, 24],
    [WLAN_QOS_IPV6, 26],
    [WLAN_QOS_4ADDR_HT_IPV4, 36],
    [WLAN_ORDER_NO_QOS_IPV4, 24],
    [WLAN_AMSDU_IPV4, 26 + 14],
  ] as const) {
    const p = new PacketDecoder(new AnomalyCounters()).packet;
    p.reset(buf, 0, buf.length, buf.length, 0, LinkType.Ieee80211);
    assert.equal(decodeIeee80211(p), Layer.Llc);
    assert.equal(p.off, len);
  }
});

test('802.11: management, control, protected, null and fragment frames end without anomaly', () => {
  for (const buf of [WLAN_PROTECTED, WLAN_NULL, WLAN_QOS_NULL, WLAN_FRAGMENT, WLAN_BEACON, WLAN_ACK]) {
    assertNotIpClean(buf, LinkType.Ieee80211);
  }
});

test('802.11: truncated headers are truncated_80211', () => {
  const cases = [
    hex('08'),
    WLAN_IPV4.slice(0, 23),
    WLAN_QOS_IPV6.slice(0, 25),
    WLAN_QOS_4ADDR_HT_IPV4.slice(0, 35),
    WLAN_AMSDU_IPV4.slice(0, 26 + 13),
  ];
  for (const buf of cases) {
    const { p, counters } = decode(buf, LinkType.Ieee80211);
    assert.equal(p.anomaly, Anomaly.truncated_80211, `length ${buf.length}`);
    assert.equal(counters.counts[Anomaly.truncated_80211], 1);
  }
  // a whole header with a short body: the LLC layer reports it
  assert.equal(decode(WLAN_IPV4.slice(0, 26), LinkType.Ieee80211).p.anomaly, Anomaly.truncated_llc);
});

test('Prism and AVS headers are skipped', () => {
  for (const buf of [PRISM, PRISM_BE, PRISM_BAD_LEN, AVS, AVS2]) assertIpv4Udp(buf, LinkType.Prism);
  for (const [buf, len] of [[PRISM, 144], [PRISM_BAD_LEN, 144], [AVS, 64], [AVS2, 72]] as const) {
    const p = new PacketDecoder(new AnomalyCounters()).packet;
    p.reset(buf, 0, buf.length, buf.length, 0, LinkType.Prism);
    assert.equal(decodeIeee80211Prism(p), Layer.Ieee80211);
    assert.equal(p.off, len);
  }
});

test('Prism: truncated or oversized headers are truncated_link_header', () => {
  const cases = [
    ...Array.from({ length: 8 }, (_, n) => PRISM.slice(0, n)),
    PRISM.slice(0, 143),                             // Prism header is 144 bytes
    AVS.slice(0, 63),                                // AVS length beyond the record
    hex('80 21 10 02  00 00 00 04  00 00 00 00'),    // AVS length below 8
  ];
  for (const buf of cases) {
    const { p, counters } = decode(buf, LinkType.Prism);
    assert.equal(p.anomaly, Anomaly.truncated_link_header, `length ${buf.length}`);
    assert.equal(counters.counts[Anomaly.truncated_link_header], 1);
  }
});

test('802.11 and Prism: fuzzed input never throws', () => {
  const frames = [WLAN_IPV4, WLAN_QOS_IPV6, WLAN_QOS_4ADDR_HT_IPV4, WLAN_ORDER_NO_QOS_IPV4, WLAN_AMSDU_IPV4,
    WLAN_PROTECTED, WLAN_NULL, WLAN_QOS_NULL, WLAN_FRAGMENT, WLAN_BEACON, WLAN_ACK];
  fuzz(frames, LinkType.Ieee80211, 6000, 105);
  fuzz([PRISM, PRISM_BE, PRISM_BAD_LEN, AVS, AVS2], LinkType.Prism, 3000, 119);
});
