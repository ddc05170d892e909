import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnomalyCounters } from '../decode/anomaly.js';
import { PacketDecoder } from '../decode/decoder.js';
import { Layer, Tunnel } from '../decode/layers.js';
import { type DecodedPacket } from '../decode/packet.js';
import { assertIpv4, assertIpv6, assertTransport, decode, decodeUntil, withBytes } from '../test-support/tunnel-test-kit.js';
import { hex } from './bytes.js';
import { fuzzDecoder } from '../test-support/decoder-fuzz.js';

// Ethernet II / 802.3, 802.1Q and QinQ tags (0x88a8, 0x9100), and DLT_RAW, decoded through the real
// PacketDecoder so the hand-off to the next layer is part of what is tested.

const RAW = 101;

// Ethernet[IPv4[UDP 55555→53]] + 14 bytes of padding up to the 60-byte minimum frame
const ETH_IPV4_UDP = hex(`
  02 00 00 00 00 0b  02 00 00 00 00 0a  08 00     # Ethernet dst, src, IPv4
  45 00 00 20  00 01 00 00  40 11 00 00           # IPv4 total 32, TTL 64, UDP      (offset 14)
  c0 00 02 01  c0 00 02 02                        # 192.0.2.1 → 192.0.2.2
  d9 03 00 35  00 0c 00 00  71 75 65 72           # UDP 55555 → 53, length 12, 'quer' (offset 34)
  00 00 00 00 00 00 00 00 00 00 00 00 00 00       # Ethernet padding                 (offset 46)
`);

// Ethernet[IPv6[TCP 49153→443 SYN]]
const ETH_IPV6_TCP = hex(`
  02 00 00 00 00 0b  02 00 00 00 00 0a  86 dd     # Ethernet, IPv6
  60 00 00 00  00 14 06 40                        # IPv6 payload 20, TCP, hop limit 64
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01   # 2001:db8::1
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02   # 2001:db8::2
  c0 01 01 bb  00 00 00 01  00 00 00 00  50 02 ff ff  00 00 00 00   # TCP 49153 → 443 SYN
`);

// Ethernet[802.1Q 100 (PCP 5, DEI 1)[IPv4[UDP 55555→53]]]
const DOT1Q = hex(`
  02 00 00 00 00 0b  02 00 00 00 00 0a  81 00     # Ethernet, 802.1Q
  b0 64 08 00                                     # TCI: PCP 5, DEI 1, VID 100; IPv4  (offset 14)
  45 00 00 20  00 01 00 00  40 11 00 00           # IPv4 total 32, UDP                (offset 18)
  c0 00 02 01  c0 00 02 02                        # 192.0.2.1 → 192.0.2.2
  d9 03 00 35  00 0c 00 00  71 75 65 72           # UDP 55555 → 53
`);

// Ethernet[802.1ad 10[802.1Q 20[IPv4[UDP 55555→53]]]]
const QINQ_88A8 = hex(`
  02 00 00 00 00 0b  02 00 00 00 00 0a  88 a8     # Ethernet, 802.1ad service tag
  00 0a 81 00                                     # S-TAG VID 10; 802.1Q follows
  00 14 08 00                                     # C-TAG VID 20; IPv4              (offset 18)
  45 00 00 20  00 01 00 00  40 11 00 00           # IPv4 total 32, UDP              (offset 22)
  c0 00 02 01  c0 00 02 02
  d9 03 00 35  00 0c 00 00  71 75 65 72           # UDP 55555 → 53
`);

// Ethernet[0x9100 30[802.1Q 4094 (PCP 7)[IPv6[TCP 49153→443 SYN]]]]
const QINQ_9100 = hex(`
  02 00 00 00 00 0b  02 00 00 00 00 0a  91 00     # Ethernet, pre-standard QinQ tag
  00 1e 81 00                                     # outer VID 30; 802.1Q follows
  ef fe 86 dd                                     # inner TCI: PCP 7, VID 4094; IPv6
  60 00 00 00  00 14 06 40                        # IPv6 payload 20, TCP
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02
  c0 01 01 bb  00 00 00 01  00 00 00 00  50 02 ff ff  00 00 00 00   # TCP 49153 → 443 SYN
`);

// Ethernet[802.1ad 1[802.1Q 2[802.1Q 3[IPv4[UDP 55555→53]]]]]
const TRIPLE_TAG = hex(`
  02 00 00 00 00 0b  02 00 00 00 00 0a  88 a8     # Ethernet, 802.1ad
  00 01 81 00                                     # VID 1
  00 02 81 00                                     # VID 2
  00 03 08 00                                     # VID 3; IPv4
  45 00 00 20  00 01 00 00  40 11 00 00
  c0 00 02 01  c0 00 02 02
  d9 03 00 35  00 0c 00 00  71 75 65 72
`);

// Ethernet[802.1Q 100[ARP request]]
const VLAN_ARP = hex(`
  ff ff ff ff ff ff  02 00 00 00 00 0a  81 00     # Ethernet broadcast, 802.1Q
  00 64 08 06                                     # VID 100; ARP
  00 01 08 00 06 04 00 01                         # ARP Ethernet/IPv4, request
  02 00 00 00 00 0a  c0 00 02 01                  # sender
  00 00 00 00 00 00  c0 00 02 02                  # target
`);

// Ethernet[802.1Q 100[802.3 length 38[LLC STP BPDU]]]
const VLAN_8023_STP = hex(`
  01 80 c2 00 00 00  02 00 00 00 00 0a  81 00     # Ethernet to the STP group address, 802.1Q
  00 64 00 26                                     # VID 100; 802.3 length 38
  42 42 03                                        # LLC DSAP/SSAP STP, UI             (offset 18)
  00 00 00 00 00 80 00 02 00 00 00 00 0a 00 00 00 00 80 00 02 00 00 00 00 0a 80 01 00 00 14 00 02 00 0f 00
`);

// Ethernet 802.3 length 38[LLC STP BPDU]
const ETH_8023_STP = hex(`
  01 80 c2 00 00 00  02 00 00 00 00 0a  00 26     # Ethernet, 802.3 length 38
  42 42 03                                        # LLC DSAP/SSAP STP, UI             (offset 14)
  00 00 00 00 00 80 00 02 00 00 00 00 0a 00 00 00 00 80 00 02 00 00 00 00 0a 80 01 00 00 14 00 02 00 0f 00
`);

// Ethernet 802.3 length 40[LLC/SNAP 0x0800[IPv4[UDP 55555→53]]]
const ETH_8023_SNAP_IPV4 = hex(`
  02 00 00 00 00 0b  02 00 00 00 00 0a  00 28     # Ethernet, 802.3 length 40
  aa aa 03 00 00 00 08 00                         # LLC/SNAP, RFC 1042, IPv4
  45 00 00 20  00 01 00 00  40 11 00 00           # IPv4 total 32, UDP               (offset 22)
  c0 00 02 01  c0 00 02 02
  d9 03 00 35  00 0c 00 00  71 75 65 72
`);

// IPv4[UDP 55555→53] with no link header (DLT_RAW)
const RAW_IPV4_UDP = hex(`
  45 00 00 20  00 01 00 00  40 11 00 00           # IPv4 total 32, UDP
  c0 00 02 01  c0 00 02 02                        # 192.0.2.1 → 192.0.2.2
  d9 03 00 35  00 0c 00 00  71 75 65 72           # UDP 55555 → 53
`);

// IPv6[TCP 49153→443 SYN] with no link header (DLT_RAW)
const RAW_IPV6_TCP = ETH_IPV6_TCP.subarray(14);


function assertUdp55555(p: DecodedPacket): void {
  assertIpv4(p, '192.0.2.1', '192.0.2.2');
  assertTransport(p, 17, 55555, 53);
  assert.equal(p.payloadLen, 4);
}

test('Ethernet II: IPv4 after 14 bytes; padding up to 60 bytes is cut off by the IP length', () => {
  const { p, anomalies } = decode(ETH_IPV4_UDP);
  assert.deepEqual(anomalies, {});
  assert.equal(p.anomaly, -1);
  assert.equal(p.vlan, -1);
  assert.equal(p.tunnel, Tunnel.None);
  assertUdp55555(p);
  assert.equal(p.ipOffset, 14);
  assert.equal(p.l4Offset, 34);
  assert.equal(p.payloadOffset, 42);
  assert.equal(p.end, 46, 'padding trimmed');
  assert.equal(p.ipEnd, 46);
});

test('Ethernet II: IPv6 EtherType', () => {
  const { p, anomalies } = decode(ETH_IPV6_TCP);
  assert.deepEqual(anomalies, {});
  assert.equal(p.vlan, -1);
  assertIpv6(p, '2001:db8::1', '2001:db8::2');
  assertTransport(p, 6, 49153, 443);
  assert.equal(p.ipOffset, 14);
});

test('Ethernet: a record inside a bigger buffer is decoded relative to its offset', () => {
  // capture parsers hand over records in place: the buffer holds other bytes before and after
  const buf = new Uint8Array(300).fill(0xff);
  buf.set(ETH_IPV4_UDP, 100);
  const counters = new AnomalyCounters();
  const p = new PacketDecoder(counters).decode(buf, 100, ETH_IPV4_UDP.length, ETH_IPV4_UDP.length, 7, 1);
  assert.deepEqual(counters.toObject(), {});
  assertUdp55555(p);
  assert.equal(p.ipOffset, 114);
  assert.equal(p.l4Offset, 134);
  assert.equal(p.payloadOffset, 142);
  assert.equal(p.end, 146);
  assert.equal(p.tsMicros, 7);
});

test('Ethernet: EtherTypes sonde does not decode end the stack quietly, without an IP header', () => {
  for (const type of [[0x08, 0x06], [0x88, 0xcc], [0x86, 0xdc], [0x06, 0x00]]) {
    const frame = withBytes(ETH_IPV4_UDP, 12, ...type);
    const until = decodeUntil(frame, -1);
    assert.equal(until.layer, Layer.End);
    assert.equal(until.p.off, 14, 'cursor after the Ethernet header');
    const { p, anomalies } = decode(frame);
    assert.deepEqual(anomalies, {}, `EtherType ${type}`);
    assert.equal(p.ipVersion, 0);
    assert.equal(p.l4Proto, -1);
  }
});

test('Ethernet: EtherType values up to 1500 are 802.3 lengths and an LLC header follows', () => {
  const until = decodeUntil(ETH_8023_STP, Layer.Llc);
  assert.equal(until.layer, Layer.Llc);
  assert.equal(until.p.off, 14);
  const { p, anomalies } = decode(ETH_8023_STP);
  assert.deepEqual(anomalies, {});
  assert.equal(p.ipVersion, 0);

  // 1500 (0x05dc) is still a length, 1501 is not (nor an EtherType sonde knows)
  assert.equal(decodeUntil(withBytes(ETH_8023_STP, 12, 0x05, 0xdc), Layer.Llc).layer, Layer.Llc);
  assert.equal(decodeUntil(withBytes(ETH_8023_STP, 12, 0x00, 0x00), Layer.Llc).layer, Layer.Llc);
  assert.equal(decodeUntil(withBytes(ETH_8023_STP, 12, 0x05, 0xdd), Layer.Llc).layer, Layer.End);

  // the LLC/SNAP decoder hands an encapsulated EtherType back: IPv4 over 802.3
  const snap = decode(ETH_8023_SNAP_IPV4);
  assert.deepEqual(snap.anomalies, {});
  assertUdp55555(snap.p);
  assert.equal(snap.p.ipOffset, 22);
});

test('Ethernet: truncated header → truncated_link_header', () => {
  for (const capLen of [0, 1, 12, 13]) {
    const { p, anomalies } = decode(ETH_IPV4_UDP, capLen);
    assert.deepEqual(anomalies, { truncated_link_header: 1 }, `capLen ${capLen}`);
    assert.equal(p.ipVersion, 0);
    assert.equal(p.off, 0);
  }
  // a whole Ethernet header and nothing after it: the Ethernet decoder is content, IPv4 is not
  assert.deepEqual(decode(ETH_IPV4_UDP, 14).anomalies, { truncated_ipv4: 1 });
  assert.deepEqual(decode(VLAN_ARP.subarray(0, 14)).anomalies, { truncated_vlan: 1 });
  assert.deepEqual(decode(withBytes(ETH_IPV4_UDP, 12, 0x08, 0x06).subarray(0, 14)).anomalies, {});
});

test('802.1Q: VID is the low 12 bits of the TCI (PCP and DEI masked off)', () => {
  const { p, anomalies } = decode(DOT1Q);
  assert.deepEqual(anomalies, {});
  assert.equal(p.vlan, 100);
  assertUdp55555(p);
  assert.equal(p.ipOffset, 18);
  assert.equal(p.end, DOT1Q.length);

  assert.equal(decode(withBytes(DOT1Q, 14, 0xff, 0xff)).p.vlan, 4095);
  assert.equal(decode(withBytes(DOT1Q, 14, 0x10, 0x00)).p.vlan, 0); // priority tag: DEI only, VID 0
  assert.equal(decode(withBytes(DOT1Q, 14, 0xe1, 0x23)).p.vlan, 0x123);
});

test('QinQ 0x88a8: the innermost VID wins', () => {
  const { p, anomalies } = decode(QINQ_88A8);
  assert.deepEqual(anomalies, {});
  assert.equal(p.vlan, 20);
  assertUdp55555(p);
  assert.equal(p.ipOffset, 22);
  // a lone 0x88a8 or 0x9100 tag is a tag like 0x8100
  for (const type of [[0x88, 0xa8], [0x91, 0x00]]) {
    const single = decode(withBytes(DOT1Q, 12, ...type));
    assert.deepEqual(single.anomalies, {});
    assert.equal(single.p.vlan, 100);
    assertUdp55555(single.p);
  }
});

test('QinQ 0x9100 (pre-standard): the innermost VID wins, IPv6 inside', () => {
  const { p, anomalies } = decode(QINQ_9100);
  assert.deepEqual(anomalies, {});
  assert.equal(p.vlan, 4094);
  assertIpv6(p, '2001:db8::1', '2001:db8::2');
  assertTransport(p, 6, 49153, 443);
  assert.equal(p.ipOffset, 22);
});

test('three stacked tags: the innermost VID wins', () => {
  const { p, anomalies } = decode(TRIPLE_TAG);
  assert.deepEqual(anomalies, {});
  assert.equal(p.vlan, 3);
  assertUdp55555(p);
  assert.equal(p.ipOffset, 26);
});

test('VLAN tag followed by a non-IP EtherType or an 802.3 length', () => {
  const arp = decode(VLAN_ARP);
  assert.deepEqual(arp.anomalies, {});
  assert.equal(arp.p.vlan, 100);
  assert.equal(arp.p.ipVersion, 0);
  assert.equal(arp.p.l4Proto, -1);

  const until = decodeUntil(VLAN_8023_STP, Layer.Llc);
  assert.equal(until.layer, Layer.Llc);
  assert.equal(until.p.off, 18);
  assert.equal(until.p.vlan, 100);
  const stp = decode(VLAN_8023_STP);
  assert.deepEqual(stp.anomalies, {});
  assert.equal(stp.p.vlan, 100);
  assert.equal(stp.p.ipVersion, 0);
  // 1500 is a length after a tag too, 1501 is not
  assert.equal(decodeUntil(withBytes(VLAN_8023_STP, 16, 0x05, 0xdc), Layer.Llc).layer, Layer.Llc);
  assert.equal(decodeUntil(withBytes(VLAN_8023_STP, 16, 0x05, 0xdd), Layer.Llc).layer, Layer.End);
});

test('VLAN: truncated tags → truncated_vlan', () => {
  for (const capLen of [14, 15, 17]) {
    const { p, anomalies } = decode(DOT1Q, capLen);
    assert.deepEqual(anomalies, { truncated_vlan: 1 }, `capLen ${capLen}`);
    assert.equal(p.vlan, -1, 'no VID read from a cut tag');
    assert.equal(p.ipVersion, 0);
  }
  // the inner tag of a QinQ pair is cut: the outer VID was read
  const inner = decode(QINQ_88A8, 21);
  assert.deepEqual(inner.anomalies, { truncated_vlan: 1 });
  assert.equal(inner.p.vlan, 10);
  // all four bytes of the tag and nothing after: the tag is fine, IPv4 is missing
  assert.deepEqual(decode(DOT1Q, 18).anomalies, { truncated_ipv4: 1 });
  assert.equal(decode(DOT1Q, 18).p.vlan, 100);
});

test('the VLAN id of one packet does not leak into the next', () => {
  const decoder = new PacketDecoder(new AnomalyCounters());
  assert.equal(decoder.decode(QINQ_88A8, 0, QINQ_88A8.length, QINQ_88A8.length, 0, 1).vlan, 20);
  assert.equal(decoder.decode(ETH_IPV4_UDP, 0, ETH_IPV4_UDP.length, ETH_IPV4_UDP.length, 1, 1).vlan, -1);
});

test('raw IP (DLT_RAW 101, and 12/14): the version nibble picks IPv4 or IPv6', () => {
  for (const linkType of [RAW, 12, 14]) {
    const v4 = decode(RAW_IPV4_UDP, RAW_IPV4_UDP.length, RAW_IPV4_UDP.length, linkType);
    assert.deepEqual(v4.anomalies, {}, `link type ${linkType}`);
    assertUdp55555(v4.p);
    assert.equal(v4.p.ipOffset, 0);
    assert.equal(v4.p.vlan, -1);

    const v6 = decode(RAW_IPV6_TCP, RAW_IPV6_TCP.length, RAW_IPV6_TCP.length, linkType);
    assert.deepEqual(v6.anomalies, {}, `link type ${linkType}`);
    assertIpv6(v6.p, '2001:db8::1', '2001:db8::2');
    assertTransport(v6.p, 6, 49153, 443);
    assert.equal(v6.p.ipOffset, 0);
  }
});

test('raw IP: another version nibble → bad_ipv4_version; an empty record → truncated_link_header', () => {
  for (const first of [0x00, 0x35, 0x55, 0x75, 0xf5]) {
    const { p, anomalies } = decode(withBytes(RAW_IPV4_UDP, 0, first), RAW_IPV4_UDP.length, RAW_IPV4_UDP.length, RAW);
    assert.deepEqual(anomalies, { bad_ipv4_version: 1 }, `first byte ${first}`);
    assert.equal(p.ipVersion, 0);
  }
  const empty = decode(RAW_IPV4_UDP, 0, RAW_IPV4_UDP.length, RAW);
  assert.deepEqual(empty.anomalies, { truncated_link_header: 1 });
  assert.equal(empty.p.ipVersion, 0);
  // one byte is enough for the version: the IPv4 decoder reports what is missing
  assert.deepEqual(decode(RAW_IPV4_UDP, 1, RAW_IPV4_UDP.length, RAW).anomalies, { truncated_ipv4: 1 });
  assert.deepEqual(decode(RAW_IPV6_TCP, 1, RAW_IPV6_TCP.length, RAW).anomalies, { truncated_ipv6: 1 });
});

test('Ethernet / VLAN / raw IP: fuzzed records never throw and keep off/end inside the record', () => {
  const seeds: { data: Uint8Array; linkType: number }[] = [
    ...[ETH_IPV4_UDP, ETH_IPV6_TCP, DOT1Q, QINQ_88A8, QINQ_9100, TRIPLE_TAG, VLAN_ARP, VLAN_8023_STP, ETH_8023_SNAP_IPV4]
      .map((data) => ({ data, linkType: 1 })),
    { data: RAW_IPV4_UDP, linkType: RAW },
    { data: RAW_IPV6_TCP, linkType: RAW },
  ];
  let tagged = 0;
  let withIp = 0;
  fuzzDecoder(seeds, 20000, 0xe7e1, (q, where) => {
    assert.ok(q.vlan >= -1 && q.vlan <= 4095, where);
    if (q.vlan >= 0) tagged++;
    if (q.ipVersion !== 0) withIp++;
  });
  assert.ok(tagged > 5000, `only ${tagged} fuzzed frames kept a VLAN id`);
  assert.ok(withIp > 5000, `only ${withIp} fuzzed frames reached IP`);
});
