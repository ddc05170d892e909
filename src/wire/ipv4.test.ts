import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnomalyCounters } from '../decode/anomaly.js';
import { PacketDecoder } from '../decode/decoder.js';
import { Tunnel } from '../decode/layers.js';
import { type DecodedPacket, MAX_TUNNEL_DEPTH } from '../decode/packet.js';
import { assertIpv4, assertIpv6, assertTransport, decode, ip4, withBytes } from '../test-support/tunnel-test-kit.js';
import { hex } from './bytes.js';
import { fuzzDecoder } from '../test-support/decoder-fuzz.js';

// IPv4: header length and options, total length (trimming link padding, 0 for TSO captures), a
// snap-length cut versus a header that claims more than the frame holds, malformed version/IHL, and
// IP-in-IP / 6in4 tunnels.

const RAW = 101;

// Ethernet[IPv4 DF[TCP 49153→80 PSH ACK, 'hello']] + 4-byte FCS trailer
const IPV4_TCP = hex(`
  02 00 00 00 00 0b  02 00 00 00 00 0a  08 00     # Ethernet, IPv4
  45 00 00 2d  12 34 40 00  3f 06 00 00           # IPv4 IHL 5, total 45, id 0x1234, DF, TTL 63, TCP  (offset 14)
  c6 33 64 0a  cb 00 71 14                        # 198.51.100.10 → 203.0.113.20
  c0 01 00 50  00 00 00 01  00 00 00 02  50 18 ff ff  00 00 00 00   # TCP 49153 → 80 PSH ACK       (offset 34)
  68 65 6c 6c 6f                                  # 'hello'                                        (offset 54)
  de ad be ef                                     # Ethernet FCS                                   (offset 59)
`);
const IPV4_TCP_END = 59;

// Ethernet[IPv4 IHL 6 + Router Alert[UDP 5353→5353]]
const IPV4_ROUTER_ALERT = hex(`
  02 00 00 00 00 0b  02 00 00 00 00 0a  08 00     # Ethernet, IPv4
  46 00 00 24  00 01 00 00  01 11 00 00           # IPv4 IHL 6, total 36, TTL 1, UDP
  c0 00 02 01  e0 00 00 fb                        # 192.0.2.1 → 224.0.0.251
  94 04 00 00                                     # option: Router Alert
  14 e9 14 e9  00 0c 00 00                        # UDP 5353 → 5353, length 12         (offset 38)
  de ad be ef                                     # payload
`);

// Ethernet[IPv4 IHL 15 + Record Route[UDP 5000→5001]]
const IPV4_MAX_OPTIONS = hex(`
  02 00 00 00 00 0b  02 00 00 00 00 0a  08 00     # Ethernet, IPv4
  4f 00 00 48  00 01 00 00  40 11 00 00           # IPv4 IHL 15 (60 bytes), total 72, UDP
  c0 00 02 01  c0 00 02 02                        # 192.0.2.1 → 192.0.2.2
  07 27 04 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00   # option: Record Route, length 39, pointer 4
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00   # … empty route slots; End of Option List
  13 88 13 89  00 0c 00 00                        # UDP 5000 → 5001, length 12         (offset 74)
  01 02 03 04                                     # payload
`);

// Ethernet[IPv4 total length 0 (TSO)[TCP 49153→80 ACK, 10 bytes]]
const IPV4_TSO = hex(`
  02 00 00 00 00 0b  02 00 00 00 00 0a  08 00     # Ethernet, IPv4
  45 00 00 00  00 01 40 00  40 06 00 00           # IPv4 total length 0, DF, TCP
  0a 00 00 01  0a 00 00 02                        # 10.0.0.1 → 10.0.0.2
  c0 01 00 50  00 00 10 00  00 00 20 00  50 10 01 00  00 00 00 00   # TCP 49153 → 80 ACK
  30 31 32 33 34 35 36 37 38 39                   # 10 bytes of payload
`);

// Ethernet[IPv4 total 1500[TCP 49153→80 ACK, 1460 bytes]] as 64 captured bytes of a 1514-byte frame
const IPV4_SNAPPED = hex(`
  02 00 00 00 00 0b  02 00 00 00 00 0a  08 00     # Ethernet, IPv4
  45 00 05 dc  00 01 40 00  40 06 00 00           # IPv4 total 1500, DF, TCP
  0a 00 00 01  0a 00 00 02                        # 10.0.0.1 → 10.0.0.2
  c0 01 00 50  00 00 10 00  00 00 20 00  50 10 01 00  00 00 00 00   # TCP 49153 → 80 ACK
  30 31 32 33 34 35 36 37 38 39                   # first 10 of 1460 payload bytes
`);
const SNAPPED_WIRE = 1514;

// Ethernet[IPv4[IPv4[UDP 5000→5001]]] + 4-byte FCS trailer
const IP_IN_IP = hex(`
  02 00 00 00 00 0b  02 00 00 00 00 0a  08 00     # Ethernet, IPv4
  45 00 00 3c  00 01 00 00  40 04 00 00           # outer IPv4 total 60, protocol 4 (IP-in-IP)
  c0 00 02 01  c0 00 02 02                        # 192.0.2.1 → 192.0.2.2
  45 00 00 28  00 02 00 00  3f 11 00 00           # inner IPv4 total 40, TTL 63, UDP         (offset 34)
  0a 00 00 01  0a 00 00 02                        # 10.0.0.1 → 10.0.0.2
  13 88 13 89  00 14 00 00                        # UDP 5000 → 5001, length 20               (offset 54)
  00 01 02 03 04 05 06 07 08 09 0a 0b             # 12 bytes of payload
  aa bb cc dd                                     # Ethernet FCS                             (offset 74)
`);
const INNER_OFFSET = 34;

// Ethernet[IPv4[IPv6[TCP 49153→443 SYN]]]
const SIX_IN_FOUR = hex(`
  02 00 00 00 00 0b  02 00 00 00 00 0a  08 00     # Ethernet, IPv4
  45 00 00 50  00 01 00 00  40 29 00 00           # IPv4 total 80, protocol 41 (IPv6)
  c0 00 02 01  c0 00 02 02                        # 192.0.2.1 → 192.0.2.2
  60 00 00 00  00 14 06 40                        # IPv6 payload 20, TCP                     (offset 34)
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01   # 2001:db8::1
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02   # 2001:db8::2
  c0 01 01 bb  00 00 00 01  00 00 00 00  50 02 ff ff  00 00 00 00   # TCP 49153 → 443 SYN
`);


/** a malformed header: an anomaly, and no IP header for the flow tracker */
function assertRejected(buf: Uint8Array, anomalies: Record<string, number>, capLen = buf.length, wireLen = capLen): DecodedPacket {
  const r = decode(buf, capLen, wireLen);
  assert.deepEqual(r.anomalies, anomalies);
  assert.equal(r.p.ipVersion, 0, 'ipVersion');
  assert.equal(r.p.l4Proto, -1, 'l4Proto');
  assert.equal(r.p.sport, 0);
  assert.equal(r.p.dport, 0);
  return r.p;
}

test('IPv4: addresses, TTL, protocol and offsets; the FCS trailer is cut off by the total length', () => {
  const { p, anomalies } = decode(IPV4_TCP);
  assert.deepEqual(anomalies, {});
  assertIpv4(p, '198.51.100.10', '203.0.113.20');
  assert.deepEqual([...p.addr], [ip4('198.51.100.10'), 0, 0, 0, ip4('203.0.113.20'), 0, 0, 0]);
  assert.equal(p.ttl, 63);
  assert.equal(p.ipOffset, 14);
  assert.equal(p.ipEnd, IPV4_TCP_END);
  assert.equal(p.end, IPV4_TCP_END);
  assertTransport(p, 6, 49153, 80);
  assert.equal(p.l4Offset, 34);
  assert.equal(p.payloadOffset, 54);
  assert.equal(p.payloadLen, 5);
  // DF (and the reserved bit) are not fragment bits
  assert.equal(p.partialFragment, false);
  assert.equal(p.heldFragment, false);
  const evil = decode(withBytes(IPV4_TCP, 14 + 6, 0xc0, 0x00));
  assert.deepEqual(evil.anomalies, {});
  assert.equal(evil.p.partialFragment, false);
  assertTransport(evil.p, 6, 49153, 80);
});

test('IPv4: IPv6-style leftovers in the address words are cleared', () => {
  // an IPv6 packet first, then IPv4 with the same decoder: words 1..3 and 5..7 must be 0 again
  const decoder = new PacketDecoder(new AnomalyCounters());
  const six = SIX_IN_FOUR.slice(INNER_OFFSET);
  six.fill(0x11, 8, 40); // 1111:1111:…: every address word non-zero
  assert.deepEqual([...decoder.decode(six, 0, six.length, six.length, 0, RAW).addr], new Array(8).fill(0x11111111));
  const p = decoder.decode(IPV4_TCP, 0, IPV4_TCP.length, IPV4_TCP.length, 1, 1);
  assert.deepEqual([...p.addr], [ip4('198.51.100.10'), 0, 0, 0, ip4('203.0.113.20'), 0, 0, 0]);
});

test('IPv4 options: the transport starts after IHL × 4 bytes', () => {
  const ra = decode(IPV4_ROUTER_ALERT);
  assert.deepEqual(ra.anomalies, {});
  assertIpv4(ra.p, '192.0.2.1', '224.0.0.251');
  assert.equal(ra.p.ttl, 1);
  assertTransport(ra.p, 17, 5353, 5353);
  assert.equal(ra.p.l4Offset, 38);
  assert.equal(ra.p.payloadLen, 4);

  const max = decode(IPV4_MAX_OPTIONS);
  assert.deepEqual(max.anomalies, {});
  assertIpv4(max.p, '192.0.2.1', '192.0.2.2');
  assertTransport(max.p, 17, 5000, 5001);
  assert.equal(max.p.l4Offset, 74);
  assert.equal(max.p.payloadLen, 4);
  assert.equal(max.p.end, 14 + 72);
});

test('IPv4: total length 0 (TSO capture) trusts the capture length', () => {
  const { p, anomalies } = decode(IPV4_TSO);
  assert.deepEqual(anomalies, {});
  assertIpv4(p, '10.0.0.1', '10.0.0.2');
  assertTransport(p, 6, 49153, 80);
  assert.equal(p.end, IPV4_TSO.length);
  assert.equal(p.ipEnd, IPV4_TSO.length);
  assert.equal(p.payloadLen, 10);
});

test('IPv4: a snap-length cut keeps the packet; lengths come from the header', () => {
  const { p, anomalies } = decode(IPV4_SNAPPED, IPV4_SNAPPED.length, SNAPPED_WIRE);
  assert.deepEqual(anomalies, {});
  assert.equal(p.snapTruncated, true);
  assertIpv4(p, '10.0.0.1', '10.0.0.2');
  assertTransport(p, 6, 49153, 80);
  assert.equal(p.end, IPV4_SNAPPED.length, 'end stays at the captured bytes');
  assert.equal(p.ipEnd, 14 + 1500, 'ipEnd as the header claims');
  assert.equal(p.payloadOffset, 54);
  assert.equal(p.payloadLen, 1460);
});

test('IPv4: a total length beyond an uncut frame → ip_length_exceeds_capture, no IP header', () => {
  // the same 64 bytes, but the capture record is the whole frame: the header lies
  assertRejected(IPV4_SNAPPED, { ip_length_exceeds_capture: 1 });
  // a wire length that is not larger than the capture length is no snap-length cut
  assertRejected(IPV4_SNAPPED, { ip_length_exceeds_capture: 1 }, IPV4_SNAPPED.length, IPV4_SNAPPED.length - 4);
  // one byte more than the frame holds (FCS removed): exceeds; exactly the frame: fine
  const noFcs = IPV4_TCP.subarray(0, IPV4_TCP_END);
  assertRejected(withBytes(noFcs, 16, 0x00, 0x2e), { ip_length_exceeds_capture: 1 });
  const exact = decode(noFcs);
  assert.deepEqual(exact.anomalies, {});
  assert.equal(exact.p.ipVersion, 4);
  assert.equal(exact.p.end, IPV4_TCP_END);
  // the trailer counts as captured bytes, but the cut record drops them: the same check on capLen
  assertRejected(IPV4_TCP, { ip_length_exceeds_capture: 1 }, IPV4_TCP_END - 1);
  // … unless the record says it was cut
  const snapped = decode(IPV4_TCP, IPV4_TCP_END - 1, IPV4_TCP.length);
  assert.deepEqual(snapped.anomalies, {});
  assert.equal(snapped.p.ipVersion, 4);
  assert.equal(snapped.p.payloadLen, 5);
});

test('IPv4: truncated header → truncated_ipv4 (snap-length cut or not)', () => {
  for (const capLen of [14, 15, 33]) {
    assertRejected(IPV4_TCP, { truncated_ipv4: 1 }, capLen);
    assertRejected(IPV4_TCP, { truncated_ipv4: 1 }, capLen, IPV4_TCP.length);
  }
  // options cut off: IHL 6 needs 24 bytes
  assertRejected(IPV4_ROUTER_ALERT, { truncated_ipv4: 1 }, 14 + 22, IPV4_ROUTER_ALERT.length);
  // IHL 15 in a frame that cannot hold 60 header bytes
  assertRejected(withBytes(IPV4_TCP, 14, 0x4f), { truncated_ipv4: 1 });
});

test('IPv4: a version other than 4 → bad_ipv4_version', () => {
  for (const vihl of [0x05, 0x35, 0x55, 0x65, 0xf5]) assertRejected(withBytes(IPV4_TCP, 14, vihl), { bad_ipv4_version: 1 });
});

test('IPv4: IHL below 5, or a total length below the header length → bad_ipv4_header_length', () => {
  for (const vihl of [0x40, 0x41, 0x44]) assertRejected(withBytes(IPV4_TCP, 14, vihl), { bad_ipv4_header_length: 1 });
  assertRejected(withBytes(IPV4_TCP, 16, 0x00, 0x13), { bad_ipv4_header_length: 1 }); // total 19 < 20
  assertRejected(withBytes(IPV4_ROUTER_ALERT, 16, 0x00, 0x17), { bad_ipv4_header_length: 1 }); // total 23 < 24
  // total = header length is a valid, empty datagram: the transport is what is missing
  const empty = decode(withBytes(IPV4_TCP, 16, 0x00, 0x14));
  assert.deepEqual(empty.anomalies, { truncated_tcp: 1 });
  assert.equal(empty.p.ipVersion, 4);
  assert.equal(empty.p.end, 34);
});

test('IPv4: fragment bits hand the packet to the reassembler', () => {
  // MF: a first fragment, decoded as far as its transport header
  const first = decode(withBytes(IPV4_TCP, 14 + 6, 0x20, 0x00));
  assert.equal(first.p.partialFragment, true);
  assert.equal(first.p.heldFragment, false);
  assertTransport(first.p, 6, 49153, 80);
  // an offset: a later fragment, held
  const later = decode(withBytes(IPV4_TCP, 14 + 6, 0x00, 0x10));
  assert.equal(later.p.heldFragment, true);
  assert.equal(later.p.sport, 0);
  assert.equal(later.p.ipVersion, 4);
  // offset bits in the low byte only
  assert.equal(decode(withBytes(IPV4_TCP, 14 + 6, 0x40, 0x01)).p.heldFragment, true);
});

test('IP-in-IP: the inner header is the flow, tunnel IpInIp, inner lengths trim', () => {
  const { p, anomalies } = decode(IP_IN_IP);
  assert.deepEqual(anomalies, {});
  assert.equal(p.tunnel, Tunnel.IpInIp);
  assert.equal(p.tunnelDepth, 1);
  assertIpv4(p, '10.0.0.1', '10.0.0.2');
  assert.equal(p.ttl, 63);
  assert.equal(p.ipOffset, INNER_OFFSET);
  assertTransport(p, 17, 5000, 5001);
  assert.equal(p.l4Offset, 54);
  assert.equal(p.payloadLen, 12);
  assert.equal(p.end, 74);
  assert.equal(p.ipEnd, 74);
});

test('IP-in-IP: a snap-length cut inside the inner packet keeps both headers', () => {
  const { p, anomalies } = decode(IP_IN_IP, 62, IP_IN_IP.length);
  assert.deepEqual(anomalies, {});
  assert.equal(p.tunnel, Tunnel.IpInIp);
  assertIpv4(p, '10.0.0.1', '10.0.0.2');
  assertTransport(p, 17, 5000, 5001);
  assert.equal(p.end, 62);
  assert.equal(p.ipEnd, 74);
  assert.equal(p.payloadLen, 12);
});

test('IP-in-IP: an inner header claiming more than the outer datagram is not the flow', () => {
  // inner total 41, one more than the 40 bytes the outer header gives it
  const lie = withBytes(IP_IN_IP, INNER_OFFSET + 2, 0x00, 0x29);
  const { p, anomalies } = decode(lie);
  assert.deepEqual(anomalies, { ip_length_exceeds_capture: 1 });
  assert.notEqual(p.addr[0], ip4('10.0.0.1'), 'the lying inner header keys no flow');
  assert.notEqual(p.tunnel, Tunnel.IpInIp);
  // (today the packet falls back to the outer IP-in-IP flow: outer addresses, protocol 4)
  if (p.ipVersion !== 0) {
    assertIpv4(p, '192.0.2.1', '192.0.2.2');
    assert.equal(p.l4Proto, 4);
  }
});

test('6in4 (protocol 41): IPv6 inside IPv4, tunnel SixInFour', () => {
  const { p, anomalies } = decode(SIX_IN_FOUR);
  assert.deepEqual(anomalies, {});
  assert.equal(p.tunnel, Tunnel.SixInFour);
  assert.equal(p.tunnelDepth, 1);
  assertIpv6(p, '2001:db8::1', '2001:db8::2');
  assertTransport(p, 6, 49153, 443);
  assert.equal(p.ipOffset, INNER_OFFSET);
  assert.equal(p.tcpFlags, 0x02);
});

/** Ethernet[IPv4[IPv4[… `levels` IP-in-IP headers …[UDP 5000→5001]]]] */
function nestedIpInIp(levels: number): Uint8Array {
  let ip = IP_IN_IP.subarray(INNER_OFFSET, 74);
  for (let i = 0; i < levels; i++) {
    const total = 20 + ip.length;
    const outer = hex(`45 00 ${(total >> 8).toString(16).padStart(2, '0')} ${(total & 0xff).toString(16).padStart(2, '0')}  00 01 00 00  40 04 00 00  c0 00 02 ${(i + 1).toString(16).padStart(2, '0')}  c0 00 02 fe`);
    const next = new Uint8Array(outer.length + ip.length);
    next.set(outer);
    next.set(ip, outer.length);
    ip = next;
  }
  const frame = new Uint8Array(14 + ip.length);
  frame.set(IP_IN_IP.subarray(0, 14));
  frame.set(ip, 14);
  return frame;
}

test(`IP-in-IP: ${MAX_TUNNEL_DEPTH} nested tunnels decode, one more is tunnel_too_deep`, () => {
  const ok = decode(nestedIpInIp(MAX_TUNNEL_DEPTH));
  assert.deepEqual(ok.anomalies, {});
  assert.equal(ok.p.tunnel, Tunnel.IpInIp);
  assert.equal(ok.p.tunnelDepth, MAX_TUNNEL_DEPTH);
  assertIpv4(ok.p, '10.0.0.1', '10.0.0.2');
  assertTransport(ok.p, 17, 5000, 5001);
  const deep = decode(nestedIpInIp(MAX_TUNNEL_DEPTH + 1));
  assert.deepEqual(deep.anomalies, { tunnel_too_deep: 1 });
  assert.equal(deep.p.tunnelDepth, MAX_TUNNEL_DEPTH);
});

test('IPv4 link types: DLT_RAW and LINKTYPE_IPV4 start at the IPv4 header', () => {
  const ip = IPV4_TCP.subarray(14, IPV4_TCP_END);
  for (const linkType of [RAW, 228]) {
    const { p, anomalies } = decode(ip, ip.length, ip.length, linkType);
    assert.deepEqual(anomalies, {});
    assertIpv4(p, '198.51.100.10', '203.0.113.20');
    assert.equal(p.ipOffset, 0);
    assert.equal(p.payloadLen, 5);
  }
});

test('IPv4: fuzzed packets never throw and keep off/end inside the record', () => {
  const seeds: { data: Uint8Array; linkType: number }[] = [
    ...[IPV4_TCP, IPV4_ROUTER_ALERT, IPV4_MAX_OPTIONS, IPV4_TSO, IPV4_SNAPPED, IP_IN_IP, SIX_IN_FOUR, nestedIpInIp(3)]
      .map((data) => ({ data, linkType: 1 })),
    { data: IPV4_TCP.subarray(14, IPV4_TCP_END), linkType: RAW },
    { data: IP_IN_IP.subarray(14, 74), linkType: RAW },
  ];
  let withIp = 0;
  let tunnelled = 0;
  fuzzDecoder(seeds, 20000, 0x1b4, (q, where, lead) => {
    if (!q.reassembled) {
      if (q.ipVersion === 4) assert.ok(q.ipOffset >= lead && q.ipOffset + 20 <= q.end, where);
    }
    assert.ok(q.tunnelDepth <= MAX_TUNNEL_DEPTH, where);
    if (q.ipVersion !== 0) withIp++;
    if (q.tunnel !== Tunnel.None) tunnelled++;
  });
  assert.ok(withIp > 8000, `only ${withIp} fuzzed packets kept an IP header`);
  assert.ok(tunnelled > 1000, `only ${tunnelled} fuzzed packets went through a tunnel`);
});
