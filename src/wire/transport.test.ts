import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnomalyCounters } from '../decode/anomaly.js';
import { PacketDecoder } from '../decode/decoder.js';
import { setUdpTunnelDecapsulation, udpTunnelDecapsulated } from '../decode/dispatch.js';
import { Layer } from '../decode/layers.js';
import { type DecodedPacket } from '../decode/packet.js';
import { mutate, seededRandom } from '../test-support/prng.js';
import { assertIpv4, assertIpv6, assertTransport, decode, decodeUntil, withBytes } from '../test-support/tunnel-test-kit.js';
import { hex } from './bytes.js';
import { TcpFlag } from './transport.js';

// The transports that end a layer stack: TCP (ports, flags, seq/ack, window, data offset, payload
// length from the IP length), UDP (length field, tunnel hand-off by port), ICMP/ICMPv6, SCTP, and
// every other IP protocol (ports 0).

const ETH_IPV4 = `02 00 00 00 00 0b  02 00 00 00 00 0a  08 00     # Ethernet, IPv4`;
const ETH_IPV6 = `02 00 00 00 00 0b  02 00 00 00 00 0a  86 dd     # Ethernet, IPv6`;
const V6_ADDRS = `
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01   # 2001:db8::1
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02   # 2001:db8::2
`;
/** where the transport header starts after Ethernet + a 20-byte IPv4 header */
const L4 = 34;

// Ethernet[IPv4[TCP 49153→80 SYN ECE CWR + 20 bytes of options]]
const TCP_SYN = hex(`
  ${ETH_IPV4}
  45 00 00 3c  00 01 40 00  40 06 00 00           # IPv4 total 60, DF, TCP
  0a 00 00 01  0a 00 00 02                        # 10.0.0.1 → 10.0.0.2
  c0 01 00 50                                     # TCP 49153 → 80                                (offset 34)
  fe dc ba 98                                     # seq 0xfedcba98
  00 00 00 00                                     # ack 0
  a0 c2 fa f0                                     # data offset 10 (40 bytes), SYN ECE CWR, window 64240
  00 00 00 00                                     # checksum, urgent pointer
  02 04 05 b4  04 02 08 0a  00 00 00 01  00 00 00 00  01 03 03 07   # MSS 1460, SACK-permitted, timestamps, NOP, WS 7
`);

// Ethernet[IPv4[TCP 80→49153 PSH ACK, 'GET ']] + 2 bytes of padding
const TCP_DATA = hex(`
  ${ETH_IPV4}
  45 00 00 2c  00 02 40 00  40 06 00 00           # IPv4 total 44, DF, TCP
  0a 00 00 02  0a 00 00 01                        # 10.0.0.2 → 10.0.0.1
  00 50 c0 01  00 00 00 02  89 ab cd ef           # TCP 80 → 49153, seq 2, ack 0x89abcdef          (offset 34)
  50 18 01 f5  00 00 00 00                        # data offset 5, PSH ACK, window 501
  47 45 54 20                                     # 'GET '                                        (offset 54)
  00 00                                           # Ethernet padding                              (offset 58)
`);

// Ethernet[IPv6[TCP 49153→443 FIN ACK, 'bye!']] + FCS
const TCP6_DATA = hex(`
  ${ETH_IPV6}
  60 00 00 00  00 18 06 40                        # IPv6 payload 24, TCP
  ${V6_ADDRS}
  c0 01 01 bb  00 00 00 64  00 00 00 c8  50 11 00 80  00 00 00 00   # TCP 49153 → 443 FIN ACK, seq 100, ack 200   (offset 54)
  62 79 65 21                                     # 'bye!'
  de ad be ef                                     # FCS
`);

// Ethernet[IPv4[UDP 53000→53, 9 bytes]] + 9 bytes of padding
const UDP_DNS = hex(`
  ${ETH_IPV4}
  45 00 00 25  00 03 00 00  40 11 00 00           # IPv4 total 37, UDP
  0a 00 00 01  0a 00 00 35                        # 10.0.0.1 → 10.0.0.53
  cf 08 00 35  00 11 00 00                        # UDP 53000 → 53, length 17                      (offset 34)
  12 34 01 00 00 01 00 00 00                      # 9 bytes of DNS header                          (offset 42)
  00 00 00 00 00 00 00 00 00                      # Ethernet padding                               (offset 51)
`);

// Ethernet[IPv4[UDP 49152→4789[VXLAN VNI 42[…]]]]
const UDP_VXLAN = hex(`
  ${ETH_IPV4}
  45 00 00 28  00 04 00 00  40 11 00 00           # IPv4 total 40, UDP
  c0 00 02 01  c0 00 02 02                        # 192.0.2.1 → 192.0.2.2
  c0 00 12 b5  00 10 00 00                        # UDP 49152 → 4789, length 16                    (offset 34)
  08 00 00 00  00 00 2a 00                        # VXLAN I flag, VNI 42                           (offset 42)
  ee ee ee ee                                     # beyond the UDP length                          (offset 50)
`);

// Ethernet[IPv4[ICMP echo request]]
const ICMP_ECHO = hex(`
  ${ETH_IPV4}
  45 00 00 24  00 05 00 00  40 01 00 00           # IPv4 total 36, ICMP
  0a 00 00 01  0a 00 00 02
  08 00 f7 fe  00 01 00 01                        # ICMP echo request, id 1, seq 1                 (offset 34)
  61 62 63 64 65 66 67 68                         # data
`);

// Ethernet[IPv4[ICMP port unreachable[IPv4[UDP]]]]
const ICMP_UNREACH = hex(`
  ${ETH_IPV4}
  45 00 00 38  00 06 00 00  40 01 00 00           # IPv4 total 56, ICMP
  0a 00 00 02  0a 00 00 01                        # 10.0.0.2 → 10.0.0.1
  03 03 00 00  00 00 00 00                        # ICMP destination unreachable, port unreachable  (offset 34)
  45 00 00 25  00 03 00 00  40 11 00 00  0a 00 00 01  0a 00 00 02   # the offending IPv4 header
  cf 08 00 35  00 11 00 00                        # … and its first 8 bytes (UDP 53000 → 53)
`);

// Ethernet[IPv6[ICMPv6 echo request]]
const ICMP6_ECHO = hex(`
  ${ETH_IPV6}
  60 00 00 00  00 0c 3a ff                        # IPv6 payload 12, ICMPv6, hop limit 255
  ${V6_ADDRS}
  80 00 00 00  12 34 00 01  61 62 63 64           # ICMPv6 echo request, id 0x1234, seq 1, data  (offset 54)
`);

// Ethernet[IPv4[SCTP 5000→36412 INIT]]
const SCTP_INIT = hex(`
  ${ETH_IPV4}
  45 00 00 34  00 07 00 00  40 84 00 00           # IPv4 total 52, SCTP (132)
  0a 00 00 01  0a 00 00 02
  13 88 8e 3c  00 00 00 00  00 00 00 00           # SCTP 5000 → 36412, verification tag 0, checksum   (offset 34)
  01 00 00 14  0b 0b 0b 0b  00 01 00 00  00 0a ff ff  00 00 00 01   # INIT chunk, 20 bytes        (offset 46)
`);

// Ethernet[IPv4[protocol 50 (set per test)]] with bytes that look like ports
const OTHER_L4 = hex(`
  ${ETH_IPV4}
  45 00 00 24  00 08 00 00  40 32 00 00           # IPv4 total 36, ESP (50)
  0a 00 00 01  0a 00 00 02
  13 88 00 50  00 00 00 01  a1 a2 a3 a4 a5 a6 a7 a8   # SPI, sequence, payload                    (offset 34)
`);


test('TCP: ports, seq/ack (unsigned), flags, window; options skipped by the data offset', () => {
  const { p, anomalies } = decode(TCP_SYN);
  assert.deepEqual(anomalies, {});
  assertIpv4(p, '10.0.0.1', '10.0.0.2');
  assertTransport(p, 6, 49153, 80);
  assert.equal(p.tcpSeq, 0xfedcba98);
  assert.equal(p.tcpAck, 0);
  assert.equal(p.tcpFlags, TcpFlag.SYN | TcpFlag.ECE | TcpFlag.CWR);
  assert.equal(p.tcpWindow, 64240);
  assert.equal(p.l4Offset, L4);
  assert.equal(p.payloadOffset, L4 + 40);
  assert.equal(p.payloadLen, 0);
});

test('TCP: payload length from the IP length, not the Ethernet padding', () => {
  const { p, anomalies } = decode(TCP_DATA);
  assert.deepEqual(anomalies, {});
  assertTransport(p, 6, 80, 49153);
  assert.equal(p.tcpSeq, 2);
  assert.equal(p.tcpAck, 0x89abcdef);
  assert.equal(p.tcpFlags, TcpFlag.PSH | TcpFlag.ACK);
  assert.equal(p.tcpWindow, 501);
  assert.equal(p.payloadOffset, 54);
  assert.equal(p.payloadLen, 4);
  // a bare ACK: total 40, the 'GET ' bytes become padding
  const ack = decode(withBytes(TCP_DATA, 17, 0x28));
  assert.deepEqual(ack.anomalies, {});
  assert.equal(ack.p.payloadLen, 0);
  assert.equal(ack.p.payloadOffset, 54);
  // every flag bit is kept
  assert.equal(decode(withBytes(TCP_DATA, L4 + 13, 0xff)).p.tcpFlags, 0xff);
});

test('TCP over IPv6: payload length from the IPv6 payload length', () => {
  const { p, anomalies } = decode(TCP6_DATA);
  assert.deepEqual(anomalies, {});
  assertIpv6(p, '2001:db8::1', '2001:db8::2');
  assertTransport(p, 6, 49153, 443);
  assert.equal(p.tcpFlags, TcpFlag.FIN | TcpFlag.ACK);
  assert.equal(p.tcpSeq, 100);
  assert.equal(p.tcpAck, 200);
  assert.equal(p.tcpWindow, 128);
  assert.equal(p.payloadOffset, 74);
  assert.equal(p.payloadLen, 4);
});

test('TCP: on a snap-length cut the payload length still comes from the IP header', () => {
  // total 1500 of which 58 bytes were captured
  const big = withBytes(TCP_DATA, 16, 0x05, 0xdc);
  const { p, anomalies } = decode(big, 58, 1514);
  assert.deepEqual(anomalies, {});
  assertTransport(p, 6, 80, 49153);
  assert.equal(p.payloadOffset, 54);
  assert.equal(p.payloadLen, 1460);
  assert.equal(p.end, 58);
  // the cut falls inside the TCP options: the payload starts beyond the captured bytes
  const syn = withBytes(TCP_SYN, 16, 0x00, 0x64); // total 100: 40 bytes of payload after the options
  const cut = decode(syn, L4 + 30, 114);
  assert.deepEqual(cut.anomalies, {});
  assertTransport(cut.p, 6, 49153, 80);
  assert.equal(cut.p.tcpFlags, 0xc2);
  assert.equal(cut.p.payloadOffset, L4 + 30, 'no payload byte captured');
  assert.equal(cut.p.payloadLen, 40);
});

test('TCP: a header shorter than 20 bytes → truncated_tcp, ports unknown (0)', () => {
  const cases: [string, Uint8Array, number, number][] = [
    ['snap-length cut', TCP_DATA, L4 + 19, TCP_DATA.length],
    ['snap-length cut after the ports', TCP_DATA, L4 + 4, TCP_DATA.length],
    ['tiny datagram (RFC 1858): IP total 28', withBytes(TCP_DATA, 17, 0x1c), TCP_DATA.length, TCP_DATA.length],
    ['no TCP byte at all', withBytes(TCP_DATA, 17, 0x14), TCP_DATA.length, TCP_DATA.length],
  ];
  for (const [name, frame, capLen, wireLen] of cases) {
    const { p, anomalies } = decode(frame, capLen, wireLen);
    assert.deepEqual(anomalies, { truncated_tcp: 1 }, name);
    assert.equal(p.ipVersion, 4, name);
    assert.equal(p.l4Proto, 6, name);
    assert.equal(p.sport, 0, name);
    assert.equal(p.dport, 0, name);
    assert.equal(p.tcpFlags, 0, name);
    assert.equal(p.l4Offset, L4, name);
  }
});

test('TCP: a data offset below 5 or beyond the segment → bad_tcp_header_length', () => {
  for (const doff of [0x00, 0x10, 0x40]) {
    const { p, anomalies } = decode(withBytes(TCP_DATA, L4 + 12, doff));
    assert.deepEqual(anomalies, { bad_tcp_header_length: 1 }, `data offset byte ${doff}`);
    assert.equal(p.payloadLen, 0);
  }
  // data offset 6 needs 24 bytes: exactly what the segment holds is fine, 7 is not
  const six = decode(withBytes(TCP_DATA, L4 + 12, 0x60));
  assert.deepEqual(six.anomalies, {});
  assert.equal(six.p.payloadOffset, 58);
  assert.equal(six.p.payloadLen, 0);
  assert.deepEqual(decode(withBytes(TCP_DATA, L4 + 12, 0x70)).anomalies, { bad_tcp_header_length: 1 });
  assert.deepEqual(decode(withBytes(TCP_DATA, L4 + 12, 0xf0)).anomalies, { bad_tcp_header_length: 1 });
  // the same data offset 15 on a snap-cut record is no lie
  assert.deepEqual(decode(withBytes(TCP_DATA, L4 + 12, 0xf0), TCP_DATA.length, 200).anomalies, {});
});

test('UDP: ports, payload after the 8-byte header, the UDP length ends the packet', () => {
  const { p, anomalies } = decode(UDP_DNS);
  assert.deepEqual(anomalies, {});
  assertIpv4(p, '10.0.0.1', '10.0.0.53');
  assertTransport(p, 17, 53000, 53);
  assert.equal(p.l4Offset, L4);
  assert.equal(p.payloadOffset, 42);
  assert.equal(p.payloadLen, 9);
  assert.equal(p.off, 42);
  assert.equal(p.end, 51);
});

test('UDP: a length shorter than the IP payload trims the bytes after it', () => {
  const { p, anomalies } = decode(withBytes(UDP_DNS, L4 + 5, 0x0c)); // length 12
  assert.deepEqual(anomalies, {});
  assert.equal(p.payloadLen, 4);
  assert.equal(p.end, L4 + 12);
  const empty = decode(withBytes(UDP_DNS, L4 + 5, 0x08)); // length 8: no payload
  assert.deepEqual(empty.anomalies, {});
  assert.equal(empty.p.payloadLen, 0);
  assert.equal(empty.p.end, 42);
});

test('UDP: a length below 8 or beyond the IP payload → bad_udp_length, the IP length is used', () => {
  for (const len of [1, 4, 7, 18, 0x100, 0xffff]) {
    const { p, anomalies } = decode(withBytes(UDP_DNS, L4 + 4, len >> 8, len & 0xff));
    assert.deepEqual(anomalies, { bad_udp_length: 1 }, `length ${len}`);
    assertTransport(p, 17, 53000, 53);
    assert.equal(p.payloadLen, 9, `length ${len}`);
    assert.equal(p.end, 51, `length ${len}`);
  }
  // exactly the IP payload: fine
  assert.deepEqual(decode(withBytes(UDP_DNS, L4 + 5, 0x11)).anomalies, {});
  // 0 (jumbogram convention): no anomaly, the IP length is used
  const zero = decode(withBytes(UDP_DNS, L4 + 4, 0, 0));
  assert.deepEqual(zero.anomalies, {});
  assert.equal(zero.p.payloadLen, 9);
});

test('UDP: snap-length cut inside the payload keeps the UDP length; header cut → truncated_udp', () => {
  const { p, anomalies } = decode(UDP_DNS, 46, UDP_DNS.length);
  assert.deepEqual(anomalies, {});
  assertTransport(p, 17, 53000, 53);
  assert.equal(p.payloadLen, 9);
  assert.equal(p.end, 46);
  for (const capLen of [L4, L4 + 4, L4 + 7]) {
    const cut = decode(UDP_DNS, capLen, UDP_DNS.length);
    assert.deepEqual(cut.anomalies, { truncated_udp: 1 }, `capLen ${capLen}`);
    assert.equal(cut.p.sport, 0);
    assert.equal(cut.p.dport, 0);
    assert.equal(cut.p.l4Proto, 17);
  }
});

test('UDP: a tunnel port hands the payload to the tunnel decoder, destination port first', () => {
  const until = decodeUntil(UDP_VXLAN, Layer.Vxlan);
  assert.equal(until.layer, Layer.Vxlan);
  assert.deepEqual(until.anomalies, {});
  assert.equal(until.p.off, 42, 'cursor at the tunnel header');
  assert.equal(until.p.end, 50, 'trimmed to the UDP length');
  assertTransport(until.p, 17, 49152, 4789);
  assert.equal(until.p.payloadLen, 8);

  const byPort: [number, number][] = [[4789, Layer.Vxlan], [4790, Layer.Vxlan], [6081, Layer.Geneve], [2152, Layer.GtpU], [5247, Layer.Capwap], [3544, Layer.Teredo]];
  setUdpTunnelDecapsulation('teredo', true); // off by default: see the next test
  for (const [port, layer] of byPort) {
    // as destination port
    const dst = decodeUntil(withBytes(UDP_VXLAN, L4 + 2, port >> 8, port & 0xff), layer);
    assert.equal(dst.layer, layer, `destination port ${port}`);
    assert.equal(dst.p.off, 42);
    // as source port, towards an ordinary port
    const src = decodeUntil(withBytes(UDP_VXLAN, L4, port >> 8, port & 0xff, 0xc3, 0x50), layer);
    assert.equal(src.layer, layer, `source port ${port}`);
  }
  setUdpTunnelDecapsulation('teredo', false);
  // both ports name a tunnel: the destination port decides
  const both = decodeUntil(withBytes(UDP_VXLAN, L4, 0x12, 0xb5, 0x17, 0xc1), Layer.Geneve); // 4789 → 6081
  assert.equal(both.layer, Layer.Geneve);
  // an ordinary port ends the stack at UDP
  const plain = decodeUntil(withBytes(UDP_VXLAN, L4 + 2, 0x00, 0x35), Layer.Vxlan);
  assert.equal(plain.layer, Layer.End);
  assertTransport(plain.p, 17, 49152, 53);
});

test('UDP: Teredo is not decapsulated by default (nDPI names the outer flow); each tunnel can be turned on and off', () => {
  assert.equal(udpTunnelDecapsulated('teredo'), false);
  for (const name of ['vxlan', 'geneve', 'gtpu', 'capwap'] as const) assert.equal(udpTunnelDecapsulated(name), true, name);
  const teredo = decodeUntil(withBytes(UDP_VXLAN, L4 + 2, 0x0d, 0xd8), Layer.Teredo); // → 3544
  assert.equal(teredo.layer, Layer.End);
  assertTransport(teredo.p, 17, 49152, 3544);
  setUdpTunnelDecapsulation('vxlan', false);
  assert.equal(decodeUntil(UDP_VXLAN, Layer.Vxlan).layer, Layer.End);
  assert.equal(udpTunnelDecapsulated('vxlan'), false);
  setUdpTunnelDecapsulation('vxlan', true);
  assert.equal(decodeUntil(UDP_VXLAN, Layer.Vxlan).layer, Layer.Vxlan);
});

test('ICMP: type and code, ports 0, payload after the 4-byte header', () => {
  const echo = decode(ICMP_ECHO);
  assert.deepEqual(echo.anomalies, {});
  assertTransport(echo.p, 1, 0, 0);
  assert.equal(echo.p.icmpType, 8);
  assert.equal(echo.p.icmpCode, 0);
  assert.equal(echo.p.l4Offset, L4);
  assert.equal(echo.p.payloadOffset, 38);
  assert.equal(echo.p.payloadLen, 12);

  const unreach = decode(ICMP_UNREACH);
  assert.deepEqual(unreach.anomalies, {});
  assertIpv4(unreach.p, '10.0.0.2', '10.0.0.1');
  assertTransport(unreach.p, 1, 0, 0);
  assert.equal(unreach.p.icmpType, 3);
  assert.equal(unreach.p.icmpCode, 3);
  assert.equal(unreach.p.payloadLen, 32);

  for (const capLen of [L4, L4 + 3]) {
    const cut = decode(ICMP_ECHO, capLen, ICMP_ECHO.length);
    assert.deepEqual(cut.anomalies, { truncated_icmp: 1 });
    assert.equal(cut.p.l4Proto, 1);
  }
  // the 4-byte header alone is enough
  const four = decode(ICMP_ECHO, L4 + 4, ICMP_ECHO.length);
  assert.deepEqual(four.anomalies, {});
  assert.equal(four.p.icmpType, 8);
  assert.equal(four.p.payloadLen, 12);
});

test('ICMPv6: type and code', () => {
  const echo = decode(ICMP6_ECHO);
  assert.deepEqual(echo.anomalies, {});
  assertIpv6(echo.p, '2001:db8::1', '2001:db8::2');
  assertTransport(echo.p, 58, 0, 0);
  assert.equal(echo.p.icmpType, 128);
  assert.equal(echo.p.icmpCode, 0);
  assert.equal(echo.p.payloadOffset, 58);
  assert.equal(echo.p.payloadLen, 8);
  const unreach = decode(withBytes(ICMP6_ECHO, 54, 0x01, 0x04)); // destination unreachable, port unreachable
  assert.equal(unreach.p.icmpType, 1);
  assert.equal(unreach.p.icmpCode, 4);
  assert.deepEqual(decode(ICMP6_ECHO, 57, ICMP6_ECHO.length).anomalies, { truncated_icmp: 1 });
});

test('SCTP: ports from the common header; truncated → truncated_sctp, ports 0', () => {
  const { p, anomalies } = decode(SCTP_INIT);
  assert.deepEqual(anomalies, {});
  assertTransport(p, 132, 5000, 36412);
  assert.equal(p.l4Offset, L4);
  assert.equal(p.payloadOffset, 46);
  assert.equal(p.payloadLen, 20);
  for (const capLen of [L4 + 4, L4 + 11]) {
    const cut = decode(SCTP_INIT, capLen, SCTP_INIT.length);
    assert.deepEqual(cut.anomalies, { truncated_sctp: 1 });
    assertTransport(cut.p, 132, 0, 0);
  }
  // a common header without chunks
  const bare = decode(withBytes(SCTP_INIT, 17, 0x20));
  assert.deepEqual(bare.anomalies, {});
  assertTransport(bare.p, 132, 5000, 36412);
  assert.equal(bare.p.payloadLen, 0);
});

test('other IP protocols (IGMP, ESP, OSPF, VRRP, …) keep their number and ports 0', () => {
  const decoder = new PacketDecoder(new AnomalyCounters());
  for (const proto of [2, 50, 51, 89, 103, 112, 255]) {
    // a TCP packet first: nothing of it may stay behind
    decoder.decode(TCP_DATA, 0, TCP_DATA.length, TCP_DATA.length, 0, 1);
    const frame = withBytes(OTHER_L4, 23, proto);
    const p = decoder.decode(frame, 0, frame.length, frame.length, 1, 1);
    assert.equal(p.anomaly, -1, `protocol ${proto}`);
    assertIpv4(p, '10.0.0.1', '10.0.0.2');
    assertTransport(p, proto, 0, 0);
    assert.equal(p.tcpFlags, 0);
    assert.equal(p.l4Offset, L4);
    assert.equal(p.payloadOffset, L4);
    assert.equal(p.payloadLen, 16, `protocol ${proto}`);
  }
  // the payload length comes from the IP header on a snap-length cut too
  const cut = decode(OTHER_L4, L4 + 2, OTHER_L4.length);
  assert.deepEqual(cut.anomalies, {});
  assert.equal(cut.p.payloadLen, 16);
});

test('transports: fuzzed packets never throw and keep off/end inside the record', () => {
  const seeds = [TCP_SYN, TCP_DATA, TCP6_DATA, UDP_DNS, UDP_VXLAN, ICMP_ECHO, ICMP_UNREACH, ICMP6_ECHO, SCTP_INIT, OTHER_L4];
  const rnd = seededRandom(0x7c9);
  const decoder = new PacketDecoder(new AnomalyCounters());
  let withPorts = 0;
  for (let i = 0; i < 20000; i++) {
    const data = mutate(seeds[Math.floor(rnd() * seeds.length)]!, rnd);
    const lead = Math.floor(rnd() * 8);
    const buf = new Uint8Array(lead + data.length + 8).fill(0xa5);
    buf.set(data, lead);
    const wireLen = rnd() < 0.2 ? data.length + 1 + Math.floor(rnd() * 1500) : data.length;
    const where = `iteration ${i}: ${Buffer.from(data).toString('hex')} wire ${wireLen}`;
    let p: DecodedPacket | undefined;
    assert.doesNotThrow(() => {
      p = decoder.decode(buf, lead, data.length, wireLen, i, 1);
    }, where);
    const q = p!;
    if (q.reassembled) {
      assert.ok(q.off <= q.end && q.end <= q.buf.length, where);
    } else {
      assert.ok(lead <= q.off && q.off <= q.end && q.end <= lead + data.length, `${where}: off ${q.off} end ${q.end}`);
      if ([1, 6, 17, 58, 132].includes(q.l4Proto) && q.anomaly < 0 && q.tunnelDepth === 0 && !q.heldFragment) {
        assert.ok(q.payloadOffset >= q.l4Offset && q.payloadOffset <= q.end, `${where}: payload at ${q.payloadOffset}`);
      }
    }
    assert.ok(q.payloadLen >= 0 && q.payloadLen <= 65535, `${where}: payloadLen ${q.payloadLen}`);
    if (q.sport !== 0 || q.dport !== 0) withPorts++;
  }
  assert.ok(withPorts > 3000, `only ${withPorts} fuzzed packets kept ports`);
});
