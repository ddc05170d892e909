import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tunnel } from '../decode/layers.js';
import { type DecodedPacket, MAX_TUNNEL_DEPTH } from '../decode/packet.js';
import { assertIpv4, assertIpv6, assertTransport, decode, withBytes } from '../test-support/tunnel-test-kit.js';
import { hex } from './bytes.js';
import { fuzzDecoder } from '../test-support/decoder-fuzz.js';

// IPv6: fixed header, payload length (trimming, 0 = trust the capture, lies vs. snap-length cuts),
// the extension header chain (hop-by-hop, routing, destination options, AH, atomic fragments,
// Mobility/HIP/Shim6, no next header), and 4in6 / 6in6 tunnels.

const RAW = 101;
const ETH_IPV6 = `02 00 00 00 00 0b  02 00 00 00 00 0a  86 dd     # Ethernet, IPv6`;
const ADDRS = `
  20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 0a   # 2001:db8:1::a
  20 01 0d b8 00 02 00 00 00 00 00 00 00 00 00 0b   # 2001:db8:2::b
`;
const TCP_443 = `c0 01 01 bb  00 00 00 01  00 00 00 00  50 18 ff ff  00 00 00 00   # TCP 49153 → 443 PSH ACK`;
/** where the first extension header (or the transport) starts in an Ethernet frame */
const EXT = 54;

// Ethernet[IPv6[UDP 5000→53]] + FCS trailer; addresses with the top bit set
const IPV6_UDP = hex(`
  ${ETH_IPV6}
  60 0a bc de  00 0c 11 3f                        # IPv6 flow label 0xabcde, payload 12, UDP, hop limit 63
  fe 80 00 00 00 00 00 00 02 00 5e ff fe 00 53 01   # fe80::200:5eff:fe00:5301
  ff 02 00 00 00 00 00 00 00 00 00 00 00 01 00 03   # ff02::1:3
  13 88 00 35  00 0c 00 00  71 75 65 72           # UDP 5000 → 53, length 12          (offset 54)
  de ad be ef                                     # Ethernet FCS                      (offset 66)
`);

// Ethernet[IPv6[Hop-by-Hop[TCP 49153→443]]]
const HOP_BY_HOP = hex(`
  ${ETH_IPV6}
  60 00 00 00  00 1c 00 40                        # IPv6 payload 28, Hop-by-Hop, hop limit 64
  ${ADDRS}
  06 00 01 04 00 00 00 00                         # Hop-by-Hop: next TCP, length 0 (8 bytes), PadN   (offset 54)
  ${TCP_443}
`);

// Ethernet[IPv6[Hop-by-Hop[Destination Options[Routing (SRH)[Destination Options[TCP 49153→443, 'abcd']]]]]]
const EXT_CHAIN = hex(`
  ${ETH_IPV6}
  60 00 00 00  00 48 00 40                        # IPv6 payload 72, Hop-by-Hop
  ${ADDRS}
  3c 00 01 04 00 00 00 00                         # Hop-by-Hop: next Destination Options, 8 bytes       (offset 54)
  2b 00 01 04 00 00 00 00                         # Destination Options: next Routing, 8 bytes         (offset 62)
  3c 02 04 00 00 00 00 00                         # Routing type 4 (SRH): next Dest Options, length 2 (24 bytes), segments left 0   (offset 70)
  20 01 0d b8 00 02 00 00 00 00 00 00 00 00 00 0b   # segment list[0]
  06 00 01 04 00 00 00 00                         # Destination Options: next TCP, 8 bytes              (offset 94)
  ${TCP_443}                                      # (offset 102)
  61 62 63 64                                     # 'abcd'
`);

// Ethernet[IPv6[AH (96-bit ICV)[TCP 49153→443]]]
const AH = hex(`
  ${ETH_IPV6}
  60 00 00 00  00 2c 33 40                        # IPv6 payload 44, AH
  ${ADDRS}
  06 04 00 00  00 00 10 01  00 00 00 07           # AH: next TCP, length 4 (= 6 words - 2: 24 bytes), SPI 0x1001, seq 7   (offset 54)
  a1 a2 a3 a4 a5 a6 a7 a8 a9 aa ab ac             # ICV
  ${TCP_443}                                      # (offset 78)
`);

// Ethernet[IPv6[Fragment offset 0, M 0 (atomic)[UDP 5000→53]]]
const ATOMIC_FRAGMENT = hex(`
  ${ETH_IPV6}
  60 00 00 00  00 18 2c 40                        # IPv6 payload 24, Fragment
  ${ADDRS}
  11 00 00 00  00 00 ab cd                        # Fragment: next UDP, offset 0, M 0, id 0xabcd   (offset 54)
  13 88 00 35  00 10 00 00  71 75 65 72 79 21 21 21   # UDP 5000 → 53, length 16         (offset 62)
`);

// Ethernet[IPv6[Fragment offset 0, M 1[UDP 5000→53 (first fragment)]]]
const FIRST_FRAGMENT = hex(`
  ${ETH_IPV6}
  60 00 00 00  00 18 2c 40                        # IPv6 payload 24, Fragment
  ${ADDRS}
  11 00 00 01  00 00 ab cd                        # Fragment: next UDP, offset 0, M 1, id 0xabcd
  13 88 00 35  00 40 00 00  71 75 65 72 79 21 21 21   # UDP 5000 → 53, length 64 (the whole datagram)
`);

// Ethernet[IPv6[no next header]] + 4 bytes to ignore
const NO_NEXT = hex(`
  ${ETH_IPV6}
  60 00 00 00  00 04 3b 40                        # IPv6 payload 4, no next header (59)
  ${ADDRS}
  de ad be ef                                     # ignored (RFC 8200)
`);

// Ethernet[IPv6[Hop-by-Hop[no next header]]]
const HBH_NO_NEXT = hex(`
  ${ETH_IPV6}
  60 00 00 00  00 08 00 40                        # IPv6 payload 8, Hop-by-Hop
  ${ADDRS}
  3b 00 01 04 00 00 00 00                         # Hop-by-Hop: next 59, 8 bytes
`);

// Ethernet[IPv6[IPv4[UDP 5000→5001]]]
const FOUR_IN_SIX = hex(`
  ${ETH_IPV6}
  60 00 00 00  00 24 04 40                        # IPv6 payload 36, IPv4 (4)
  ${ADDRS}
  45 00 00 24  00 02 00 00  3f 11 00 00           # IPv4 total 36, TTL 63, UDP      (offset 54)
  0a 00 00 01  0a 00 00 02                        # 10.0.0.1 → 10.0.0.2
  13 88 13 89  00 10 00 00  01 02 03 04 05 06 07 08   # UDP 5000 → 5001, 8 bytes
`);

// Ethernet[IPv6[Destination Options[IPv6[TCP 49153→443]]]]
const SIX_IN_SIX = hex(`
  ${ETH_IPV6}
  60 00 00 00  00 44 3c 40                        # IPv6 payload 68, Destination Options
  ${ADDRS}
  29 00 04 01 00 00 00 00                         # Destination Options: next IPv6, Tunnel Encapsulation Limit 0, Pad1 ×3   (offset 54)
  60 00 00 00  00 14 06 3f                        # inner IPv6 payload 20, TCP, hop limit 63                          (offset 62)
  fd 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01   # fd00::1
  fd 00 00 00 00 00 00 00 00 00 00 00 00 00 00 02   # fd00::2
  ${TCP_443}
`);

// Ethernet[IPv6 payload length 0 (TSO / jumbogram)[TCP 49153→443, 'abcd']]
const PAYLOAD_LEN_0 = hex(`
  ${ETH_IPV6}
  60 00 00 00  00 00 06 40                        # IPv6 payload 0, TCP
  ${ADDRS}
  ${TCP_443}
  61 62 63 64
`);

// Ethernet[IPv6[ESP]] + FCS trailer
const ESP = hex(`
  ${ETH_IPV6}
  60 00 00 00  00 10 32 40                        # IPv6 payload 16, ESP (50)
  ${ADDRS}
  00 00 10 01  00 00 00 01  e1 e2 e3 e4 e5 e6 e7 e8   # ESP SPI 0x1001, seq 1, ciphertext   (offset 54)
  de ad be ef                                     # Ethernet FCS                               (offset 70)
`);


/** an IPv6 packet with `n` 8-byte Destination Options headers before TCP */
function destOptsChain(n: number): Uint8Array {
  const ext = Array.from({ length: n }, (_, i) => `${i === n - 1 ? '06' : '3c'} 00 01 04 00 00 00 00`).join('\n');
  const len = (n * 8 + 20).toString(16).padStart(4, '0');
  return hex(`${ETH_IPV6}
    60 00 00 00  ${len} 3c 40
    ${ADDRS}
    ${ext}
    ${TCP_443}`);
}

function assertTcp443(p: DecodedPacket, l4Offset: number): void {
  assertIpv6(p, '2001:db8:1::a', '2001:db8:2::b');
  assertTransport(p, 6, 49153, 443);
  assert.equal(p.l4Offset, l4Offset);
  assert.equal(p.tcpFlags, 0x18);
}

test('IPv6: addresses as unsigned words, hop limit, payload length trims the FCS', () => {
  const { p, anomalies } = decode(IPV6_UDP);
  assert.deepEqual(anomalies, {});
  assertIpv6(p, 'fe80::200:5eff:fe00:5301', 'ff02::1:3');
  assert.deepEqual([...p.addr], [0xfe800000, 0, 0x02005eff, 0xfe005301, 0xff020000, 0, 0, 0x00010003]);
  assert.equal(p.ttl, 63);
  assert.equal(p.ipOffset, 14);
  assert.equal(p.ipEnd, 66);
  assert.equal(p.end, 66);
  assertTransport(p, 17, 5000, 53);
  assert.equal(p.l4Offset, EXT);
  assert.equal(p.payloadLen, 4);
});

test('IPv6 hop-by-hop options header is skipped', () => {
  const { p, anomalies } = decode(HOP_BY_HOP);
  assert.deepEqual(anomalies, {});
  assertTcp443(p, EXT + 8);
  assert.equal(p.payloadLen, 0);
});

test('IPv6: a chain of hop-by-hop, destination options and routing headers', () => {
  const { p, anomalies } = decode(EXT_CHAIN);
  assert.deepEqual(anomalies, {});
  assertTcp443(p, 102);
  assert.equal(p.payloadOffset, 122);
  assert.equal(p.payloadLen, 4);
  assert.equal(p.end, EXT_CHAIN.length);
});

test('IPv6 AH: its length counts 4-byte words, minus 2', () => {
  const { p, anomalies } = decode(AH);
  assert.deepEqual(anomalies, {});
  assertTcp443(p, 78);
  assert.equal(p.payloadLen, 0);
});

test('IPv6: Mobility, HIP and Shim6 headers are walked like options headers', () => {
  for (const next of [135, 139, 140]) {
    const frame = withBytes(HOP_BY_HOP, 20, next);
    const { p, anomalies } = decode(frame);
    assert.deepEqual(anomalies, {}, `next header ${next}`);
    assertTcp443(p, EXT + 8);
  }
});

test('IPv6 atomic fragment (offset 0, M 0): skipped, nothing to reassemble', () => {
  const { p, anomalies } = decode(ATOMIC_FRAGMENT);
  assert.deepEqual(anomalies, {});
  assertIpv6(p, '2001:db8:1::a', '2001:db8:2::b');
  assertTransport(p, 17, 5000, 53);
  assert.equal(p.l4Offset, 62);
  assert.equal(p.payloadLen, 8);
  assert.equal(p.partialFragment, false);
  assert.equal(p.heldFragment, false);
  assert.equal(p.reassembled, false);
});

test('IPv6 fragment header with M or an offset goes to the reassembler', () => {
  const first = decode(FIRST_FRAGMENT);
  assert.equal(first.p.partialFragment, true);
  assertTransport(first.p, 17, 5000, 53);
  assert.equal(first.p.l4Offset, 62);
  const later = decode(withBytes(FIRST_FRAGMENT, 56, 0x00, 0x40)); // offset 64, M 0
  assert.equal(later.p.heldFragment, true);
  assert.equal(later.p.sport, 0);
});

test('IPv6 no next header (59): a packet without transport, ports 0', () => {
  for (const [frame, l4Offset] of [[NO_NEXT, EXT], [HBH_NO_NEXT, EXT + 8]] as const) {
    const { p, anomalies } = decode(frame);
    assert.deepEqual(anomalies, {});
    assertIpv6(p, '2001:db8:1::a', '2001:db8:2::b');
    assert.equal(p.l4Proto, 59);
    assert.equal(p.sport, 0);
    assert.equal(p.dport, 0);
    assert.equal(p.off, l4Offset);
    assert.equal(p.payloadLen, 0);
  }
});

test('IPv6: an unknown upper layer (ESP) is kept by protocol number', () => {
  const { p, anomalies } = decode(ESP);
  assert.deepEqual(anomalies, {});
  assertIpv6(p, '2001:db8:1::a', '2001:db8:2::b');
  assertTransport(p, 50, 0, 0);
  assert.equal(p.payloadOffset, EXT);
  assert.equal(p.payloadLen, 16);
  assert.equal(p.ipEnd, 70);
  assert.equal(p.end, 70, 'the payload length cuts the FCS off');
});

test('IPv6: truncated extension headers → truncated_ipv6_extension, no transport', () => {
  const cases: [string, Uint8Array, number, number][] = [
    // name, frame, capLen, wireLen
    ['hop-by-hop cut by the snap length', HOP_BY_HOP, EXT + 4, HOP_BY_HOP.length],
    ['nothing after the fixed header', HOP_BY_HOP, EXT, HOP_BY_HOP.length],
    ['hop-by-hop claiming 40 bytes of 28', withBytes(HOP_BY_HOP, EXT + 1, 4), HOP_BY_HOP.length, HOP_BY_HOP.length],
    ['routing header cut inside its segment list', EXT_CHAIN, 80, EXT_CHAIN.length],
    ['AH claiming 48 bytes of 44', withBytes(AH, EXT + 1, 10), AH.length, AH.length],
    ['AH header cut', AH, EXT + 7, AH.length],
    ['fragment header cut', ATOMIC_FRAGMENT, EXT + 7, ATOMIC_FRAGMENT.length],
    ['second option header past the payload length', withBytes(HBH_NO_NEXT, EXT, 0x3c), HBH_NO_NEXT.length, HBH_NO_NEXT.length],
  ];
  for (const [name, frame, capLen, wireLen] of cases) {
    const { p, anomalies } = decode(frame, capLen, wireLen);
    assert.deepEqual(anomalies, { truncated_ipv6_extension: 1 }, name);
    assert.equal(p.l4Proto, -1, name);
    assert.equal(p.sport, 0, name);
  }
  // an options header that ends exactly at the end of the packet is complete
  assert.deepEqual(decode(HBH_NO_NEXT).anomalies, {});
});

test('IPv6: 16 extension headers are walked, a 17th stops the walk', () => {
  const sixteen = decode(destOptsChain(16));
  assert.deepEqual(sixteen.anomalies, {});
  assertTcp443(sixteen.p, EXT + 16 * 8);
  const seventeen = decode(destOptsChain(17));
  assert.equal(seventeen.p.l4Proto, 60, 'the walk stops at the 17th header');
  assert.equal(seventeen.p.sport, 0);
});

test('4in6: IPv4 inside IPv6, tunnel FourInSix', () => {
  const { p, anomalies } = decode(FOUR_IN_SIX);
  assert.deepEqual(anomalies, {});
  assert.equal(p.tunnel, Tunnel.FourInSix);
  assert.equal(p.tunnelDepth, 1);
  assertIpv4(p, '10.0.0.1', '10.0.0.2');
  assert.equal(p.ipOffset, EXT);
  assertTransport(p, 17, 5000, 5001);
  assert.equal(p.payloadLen, 8);
});

test('6in6 behind a destination options header: tunnel SixInSix', () => {
  const { p, anomalies } = decode(SIX_IN_SIX);
  assert.deepEqual(anomalies, {});
  assert.equal(p.tunnel, Tunnel.SixInSix);
  assert.equal(p.tunnelDepth, 1);
  assertIpv6(p, 'fd00::1', 'fd00::2');
  assert.equal(p.ttl, 63);
  assert.equal(p.ipOffset, EXT + 8);
  assertTransport(p, 6, 49153, 443);
});

test(`6in6: ${MAX_TUNNEL_DEPTH} nested tunnels decode, one more is tunnel_too_deep`, () => {
  const nest = (levels: number): Uint8Array => {
    let ip = FOUR_IN_SIX.subarray(14);
    for (let i = 0; i < levels; i++) {
      const outer = hex(`60 00 00 00  ${ip.length.toString(16).padStart(4, '0')} 29 40  ${ADDRS}`);
      const next = new Uint8Array(outer.length + ip.length);
      next.set(outer);
      next.set(ip, outer.length);
      ip = next;
    }
    return ip;
  };
  // the 4in6 packet is one level already
  const ok = decode(nest(MAX_TUNNEL_DEPTH - 1), undefined, undefined, RAW);
  assert.deepEqual(ok.anomalies, {});
  assert.equal(ok.p.tunnel, Tunnel.SixInSix);
  assert.equal(ok.p.tunnelDepth, MAX_TUNNEL_DEPTH);
  assertIpv4(ok.p, '10.0.0.1', '10.0.0.2');
  const deep = decode(nest(MAX_TUNNEL_DEPTH), undefined, undefined, RAW);
  assert.deepEqual(deep.anomalies, { tunnel_too_deep: 1 });
});

test('IPv6 payload length 0 (TSO / jumbogram): the capture length is trusted', () => {
  const { p, anomalies } = decode(PAYLOAD_LEN_0);
  assert.deepEqual(anomalies, {});
  assertTcp443(p, EXT);
  assert.equal(p.end, PAYLOAD_LEN_0.length);
  assert.equal(p.ipEnd, PAYLOAD_LEN_0.length);
  assert.equal(p.payloadLen, 4);
});

test('IPv6: a payload length beyond the frame → ip_length_exceeds_capture unless snap-cut', () => {
  // payload 29: one byte more than the frame holds
  const lie = withBytes(HOP_BY_HOP, 18, 0x00, 0x1d);
  const bad = decode(lie);
  assert.deepEqual(bad.anomalies, { ip_length_exceeds_capture: 1 });
  assert.equal(bad.p.ipVersion, 0);
  assert.equal(bad.p.l4Proto, -1);
  assert.equal(bad.p.sport, 0);
  // the same bytes as a capture cut by the snap length: kept, lengths from the header
  const cut = decode(lie, lie.length, lie.length + 1);
  assert.deepEqual(cut.anomalies, {});
  assertTcp443(cut.p, EXT + 8);
  assert.equal(cut.p.end, lie.length);
  assert.equal(cut.p.ipEnd, lie.length + 1);
  assert.equal(cut.p.payloadLen, 1);
  // a big datagram of which 74 bytes were captured
  const big = withBytes(HOP_BY_HOP, 18, 0x05, 0xb4); // payload 1460
  const snapped = decode(big, big.length, 14 + 40 + 1460);
  assert.deepEqual(snapped.anomalies, {});
  assert.equal(snapped.p.payloadLen, 1460 - 8 - 20);
});

test('IPv6: truncated fixed header and bad version', () => {
  for (const [capLen, wireLen] of [[14, 74], [53, 53], [53, 74]]) {
    const { p, anomalies } = decode(HOP_BY_HOP, capLen, wireLen);
    assert.deepEqual(anomalies, { truncated_ipv6: 1 });
    assert.equal(p.ipVersion, 0);
  }
  for (const first of [0x40, 0x70, 0x00, 0xf0]) {
    const { p, anomalies } = decode(withBytes(HOP_BY_HOP, 14, first));
    assert.deepEqual(anomalies, { bad_ipv6_version: 1 });
    assert.equal(p.ipVersion, 0);
  }
});

test('IPv6 link types: DLT_RAW and LINKTYPE_IPV6 start at the IPv6 header', () => {
  const ip = EXT_CHAIN.subarray(14);
  for (const linkType of [RAW, 229]) {
    const { p, anomalies } = decode(ip, ip.length, ip.length, linkType);
    assert.deepEqual(anomalies, {});
    assertTcp443(p, 102 - 14);
    assert.equal(p.ipOffset, 0);
  }
});

test('IPv6: fuzzed packets never throw and keep off/end inside the record', () => {
  const seeds: { data: Uint8Array; linkType: number }[] = [
    ...[IPV6_UDP, HOP_BY_HOP, EXT_CHAIN, AH, ATOMIC_FRAGMENT, FIRST_FRAGMENT, NO_NEXT, FOUR_IN_SIX, SIX_IN_SIX, PAYLOAD_LEN_0, destOptsChain(15)]
      .map((data) => ({ data, linkType: 1 })),
    { data: EXT_CHAIN.subarray(14), linkType: RAW },
    { data: AH.subarray(14), linkType: RAW },
  ];
  let withIp6 = 0;
  let withTransport = 0;
  fuzzDecoder(seeds, 20000, 0x1b6, (q, where) => {
    assert.ok(q.tunnelDepth <= MAX_TUNNEL_DEPTH, where);
    if (q.ipVersion === 6) withIp6++;
    if (q.l4Proto >= 0) withTransport++;
  });
  assert.ok(withIp6 > 6000, `only ${withIp6} fuzzed packets kept an IPv6 header`);
  assert.ok(withTransport > 6000, `only ${withTransport} fuzzed packets reached a transport`);
});
