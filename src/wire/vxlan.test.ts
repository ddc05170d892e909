import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tunnel } from '../decode/layers.js';
import { MAX_TUNNEL_DEPTH } from '../decode/packet.js';
import { hex } from './bytes.js';
import { assertIpv4, assertIpv6, assertOuterUdp, assertTransport, decode, fuzz, withBytes } from '../test-support/tunnel-test-kit.js';

// Ethernet[802.1Q 10[IPv4[UDP 49152→4789[VXLAN 5001[Ethernet[802.1Q 20[IPv4[UDP 40000→9]]]]]]]]
const VXLAN_VLAN = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  81 00   # Ethernet, 802.1Q
  00 0a 08 00                                    # VLAN 10, IPv4
  45 00 00 56  00 01 00 00  40 11 00 00          # IPv4 total 86, UDP
  c0 00 02 01  c0 00 02 02                       # 192.0.2.1 → 192.0.2.2
  c0 00 12 b5  00 42 00 00                       # UDP 49152 → 4789, len 66
  08 00 00 00  00 13 89 00                       # VXLAN flags I, VNI 5001        (offset 46)
  02 00 00 00 00 04  02 00 00 00 00 03  81 00   # inner Ethernet, 802.1Q
  00 14 08 00                                    # VLAN 20, IPv4
  45 00 00 20  00 02 00 00  40 11 00 00          # IPv4 total 32, UDP
  c6 33 64 01  c6 33 64 02                       # 198.51.100.1 → 198.51.100.2
  9c 40 00 09  00 0c 00 00  de ad be ef          # UDP 40000 → 9, len 12, 4 bytes
`);
const VXLAN_OFFSET = 46;

// Ethernet[802.1Q 10[IPv4[UDP 49152→4789[VXLAN 5001[Ethernet[IPv6[ICMPv6 echo]]]]]]]
const VXLAN_IPV6 = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  81 00  00 0a 08 00   # Ethernet, VLAN 10, IPv4
  45 00 00 62  00 01 00 00  40 11 00 00          # IPv4 total 98, UDP
  c0 00 02 01  c0 00 02 02
  c0 00 12 b5  00 4e 00 00                       # UDP 49152 → 4789, len 78
  08 00 00 00  00 13 89 00                       # VXLAN flags I, VNI 5001
  02 00 00 00 00 04  02 00 00 00 00 03  86 dd   # inner Ethernet, IPv6
  60 00 00 00  00 08 3a 40                       # IPv6 payload 8, ICMPv6, hop limit 64
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01   # 2001:db8::1
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02   # 2001:db8::2
  80 00 00 00  00 01 00 01                       # ICMPv6 echo request
`);

// Ethernet[IPv4[UDP 49152→4789[VXLAN-GPE next IPv4[IPv4[ICMP echo]]]]]
const VXLAN_GPE_IPV4 = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  08 00   # Ethernet, IPv4
  45 00 00 40  00 01 00 00  40 11 00 00          # IPv4 total 64, UDP
  c0 00 02 01  c0 00 02 02
  c0 00 12 b5  00 2c 00 00                       # UDP 49152 → 4789, len 44
  0c 00 00 01  00 00 64 00                       # VXLAN-GPE flags I P, next protocol 1 (IPv4), VNI 100
  45 00 00 1c  00 03 00 00  40 01 00 00          # IPv4 total 28, ICMP
  0a 00 00 01  0a 00 00 02                       # 10.0.0.1 → 10.0.0.2
  08 00 f7 ff  00 00 00 00                       # ICMP echo request
`);

// Ethernet[IPv4[UDP 49152→4789[8 bytes that are not VXLAN (no I flag)]]]
const NOT_VXLAN = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  08 00
  45 00 00 24  00 01 00 00  40 11 00 00          # IPv4 total 36, UDP
  c0 00 02 01  c0 00 02 02
  c0 00 12 b5  00 10 00 00                       # UDP 49152 → 4789, len 16
  00 01 02 03  04 05 06 07                       # payload
`);

// Ethernet[IPv4[UDP 49152→4789[4 bytes: a VXLAN flags byte, but the datagram ends there]]]
const SHORT_DATAGRAM = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  08 00
  45 00 00 20  00 01 00 00  40 11 00 00          # IPv4 total 32, UDP
  c0 00 02 01  c0 00 02 02
  c0 00 12 b5  00 0c 00 00                       # UDP 49152 → 4789, len 12
  08 00 00 00
`);


const assertPlainUdp = (buf: Uint8Array, capLen = buf.length, anomalies: Record<string, number> = {}): void => assertOuterUdp(buf, 49152, 4789, capLen, anomalies);

test('VXLAN: the inner Ethernet frame gives the flow, its VLAN tag replaces the outer one', () => {
  const { p, anomalies } = decode(VXLAN_VLAN);
  assert.deepEqual(anomalies, {});
  assert.equal(p.tunnel, Tunnel.Vxlan);
  assert.equal(p.tunnelDepth, 1);
  assert.equal(p.vlan, 20);
  assertIpv4(p, '198.51.100.1', '198.51.100.2');
  assertTransport(p, 17, 40000, 9);
  assert.equal(p.payloadLen, 4);
});

test('VXLAN: an untagged inner frame keeps the outer VLAN; inner IPv6', () => {
  const { p, anomalies } = decode(VXLAN_IPV6);
  assert.deepEqual(anomalies, {});
  assert.equal(p.tunnel, Tunnel.Vxlan);
  assert.equal(p.vlan, 10);
  assertIpv6(p, '2001:db8::1', '2001:db8::2');
  assert.equal(p.l4Proto, 58);
  assert.equal(p.icmpType, 128);
});

test('VXLAN-GPE: the next-protocol byte names an inner IPv4 packet', () => {
  const { p, anomalies } = decode(VXLAN_GPE_IPV4);
  assert.deepEqual(anomalies, {});
  assert.equal(p.tunnel, Tunnel.Vxlan);
  assertIpv4(p, '10.0.0.1', '10.0.0.2');
  assert.equal(p.l4Proto, 1);
  // next protocol 4 (NSH) is not decoded: a UDP flow
  assertPlainUdp(withBytes(VXLAN_GPE_IPV4, 34 + 8 + 3, 4));
  // next protocol IPv6 while an IPv4 header follows: not entered
  assertPlainUdp(withBytes(VXLAN_GPE_IPV4, 34 + 8 + 3, 2));
  // GPE version 1
  assertPlainUdp(withBytes(VXLAN_GPE_IPV4, 34 + 8, 0x1c));
});

test('VXLAN: UDP port 4789 carrying something else stays a plain UDP flow, without anomaly', () => {
  assertPlainUdp(NOT_VXLAN);
  // I flag clear
  assertPlainUdp(withBytes(VXLAN_VLAN, VXLAN_OFFSET, 0x00), undefined, {});
  // unknown flag bit set with I
  const reservedFlag = withBytes(VXLAN_VLAN, VXLAN_OFFSET, 0x09);
  const r = decode(reservedFlag);
  assert.deepEqual(r.anomalies, {});
  assert.equal(r.p.tunnel, Tunnel.None);
  assert.equal(r.p.dport, 4789);
  // last (reserved) byte not zero
  assert.equal(decode(withBytes(VXLAN_VLAN, VXLAN_OFFSET + 7, 0x01)).p.tunnel, Tunnel.None);
  // group-based policy flag next to I is VXLAN
  assert.equal(decode(withBytes(VXLAN_VLAN, VXLAN_OFFSET, 0x88)).p.tunnel, Tunnel.Vxlan);
  // a complete datagram too short for the header is not VXLAN either
  const short = decode(SHORT_DATAGRAM);
  assert.deepEqual(short.anomalies, {});
  assert.equal(short.p.tunnel, Tunnel.None);
  assert.equal(short.p.dport, 4789);
});

test('VXLAN: cut by the snap length inside the header or right after it → truncated_vxlan, still the UDP flow', () => {
  const p1 = decode(VXLAN_VLAN, VXLAN_OFFSET + 4);
  assert.deepEqual(p1.anomalies, { truncated_vxlan: 1 });
  assert.equal(p1.p.tunnel, Tunnel.None);
  assert.equal(p1.p.vlan, 10);
  assertIpv4(p1.p, '192.0.2.1', '192.0.2.2');
  assertTransport(p1.p, 17, 49152, 4789);

  const p2 = decode(VXLAN_VLAN, VXLAN_OFFSET + 8);
  assert.deepEqual(p2.anomalies, { truncated_vxlan: 1 });
  assert.equal(p2.p.tunnel, Tunnel.None);
  assertIpv4(p2.p, '192.0.2.1', '192.0.2.2');

  // cut inside the inner Ethernet header: the tunnel was entered, the inner frame is what is
  // short, and with no inner IP packet the packet goes back to the tunnel's own UDP flow
  const p3 = decode(VXLAN_VLAN, VXLAN_OFFSET + 8 + 6);
  assert.deepEqual(p3.anomalies, { truncated_link_header: 1 });
  assert.equal(p3.p.tunnel, Tunnel.None);
  assertIpv4(p3.p, '192.0.2.1', '192.0.2.2');
  assertTransport(p3.p, 17, 49152, 4789);
});

/** Builds Ethernet[IPv4[UDP[VXLAN[…]]]] `levels` deep around Ethernet[IPv4 10.0.0.1 → 10.0.0.2 [ICMP]]. */
function nestedVxlan(levels: number): Uint8Array {
  let frame = hex(`
    02 00 00 00 00 04  02 00 00 00 00 03  08 00
    45 00 00 1c  00 03 00 00  40 01 00 00  0a 00 00 01  0a 00 00 02
    08 00 f7 ff  00 00 00 00
  `);
  for (let i = 0; i < levels; i++) {
    const udpLen = 8 + 8 + frame.length;
    const ipLen = 20 + udpLen;
    const h16 = (n: number) => n.toString(16).padStart(4, '0');
    const outer = hex(`
      02 00 00 00 00 02  02 00 00 00 00 01  08 00
      45 00 ${h16(ipLen)}  00 01 00 00  40 11 00 00   # IPv4, UDP
      c0 00 02 01  c0 00 02 02
      c0 00 12 b5  ${h16(udpLen)} 00 00              # UDP 49152 → 4789
      08 00 00 00  00 00 01 00                       # VXLAN flags I, VNI 1
    `);
    const next = new Uint8Array(outer.length + frame.length);
    next.set(outer);
    next.set(frame, outer.length);
    frame = next;
  }
  return frame;
}

test(`VXLAN: ${MAX_TUNNEL_DEPTH} nested tunnels decode, one more is tunnel_too_deep`, () => {
  const ok = decode(nestedVxlan(MAX_TUNNEL_DEPTH));
  assert.deepEqual(ok.anomalies, {});
  assert.equal(ok.p.tunnelDepth, MAX_TUNNEL_DEPTH);
  assert.equal(ok.p.tunnel, Tunnel.Vxlan);
  assertIpv4(ok.p, '10.0.0.1', '10.0.0.2');

  const deep = decode(nestedVxlan(MAX_TUNNEL_DEPTH + 1));
  assert.deepEqual(deep.anomalies, { tunnel_too_deep: 1 });
  assert.equal(deep.p.tunnelDepth, MAX_TUNNEL_DEPTH);
});

test('VXLAN: fuzzed packets never throw nor read past the capture', () => {
  const r = fuzz([VXLAN_VLAN, VXLAN_IPV6, VXLAN_GPE_IPV4, NOT_VXLAN, nestedVxlan(2)], 5000, 0x7e1a, Tunnel.Vxlan);
  assert.ok(r.reachedTunnel > 500, `only ${r.reachedTunnel} fuzzed packets got through VXLAN`);
  assert.ok(r.withAnomaly > 100, `only ${r.withAnomaly} fuzzed packets raised an anomaly`);
});
