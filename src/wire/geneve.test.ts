import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tunnel } from '../decode/layers.js';
import { hex } from './bytes.js';
import { assertIpv4, assertIpv6, assertOuterUdp, assertTransport, decode, fuzz, withBytes } from '../test-support/tunnel-test-kit.js';

// Ethernet[IPv4[UDP 49152→6081[Geneve + 8 bytes of options, 0x6558[Ethernet[802.1Q 11[IPv4[UDP 40000→9]]]]]]]
const GENEVE_ETHERNET = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  08 00   # Ethernet, IPv4
  45 00 00 5e  00 01 00 00  40 11 00 00          # IPv4 total 94, UDP
  c0 00 02 01  c0 00 02 02                       # 192.0.2.1 → 192.0.2.2
  c0 00 17 c1  00 4a 00 00                       # UDP 49152 → 6081, len 74
  02 00 65 58  00 00 0a 00                       # Geneve ver 0, options 2 words; Ethernet; VNI 10   (offset 42)
  01 02 80 01  00 00 00 01                       # option class 0x0102 type 0x80 length 1 word, data
  02 00 00 00 00 04  02 00 00 00 00 03  81 00  00 0b 08 00   # Ethernet, VLAN 11, IPv4
  45 00 00 20  00 02 00 00  40 11 00 00          # IPv4 total 32, UDP
  c6 33 64 01  c6 33 64 02                       # 198.51.100.1 → 198.51.100.2
  9c 40 00 09  00 0c 00 00  de ad be ef          # UDP 40000 → 9
`);
const GENEVE_OFFSET = 42;

// Ethernet[IPv4[UDP 49152→6081[Geneve 0x0800[IPv4[ICMP echo]]]]]
const GENEVE_IPV4 = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  08 00
  45 00 00 40  00 01 00 00  40 11 00 00          # IPv4 total 64, UDP
  c0 00 02 01  c0 00 02 02
  c0 00 17 c1  00 2c 00 00                       # UDP 49152 → 6081, len 44
  00 00 08 00  00 00 0b 00                       # Geneve no options; IPv4; VNI 11
  45 00 00 1c  00 03 00 00  40 01 00 00          # IPv4 total 28, ICMP
  0a 00 00 01  0a 00 00 02                       # 10.0.0.1 → 10.0.0.2
  08 00 f7 ff  00 00 00 00
`);

// Ethernet[IPv4[UDP 49152→6081[Geneve O flag 0x86dd[IPv6[TCP 49153→443 SYN]]]]]
const GENEVE_IPV6 = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  08 00
  45 00 00 60  00 01 00 00  40 11 00 00          # IPv4 total 96, UDP
  c0 00 02 01  c0 00 02 02
  c0 00 17 c1  00 4c 00 00                       # UDP 49152 → 6081, len 76
  00 80 86 dd  00 00 0c 00                       # Geneve control (O) flag; IPv6; VNI 12
  60 00 00 00  00 14 06 40                       # IPv6 payload 20, TCP
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 0a   # 2001:db8::a
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 0b   # 2001:db8::b
  c0 01 01 bb  00 00 00 01  00 00 00 00  50 02 ff ff  00 00 00 00
`);

// Ethernet[IPv4[UDP 49152→6081[6 bytes of something else]]]
const SHORT_DATAGRAM = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  08 00
  45 00 00 22  00 01 00 00  40 11 00 00          # IPv4 total 34, UDP
  c0 00 02 01  c0 00 02 02
  c0 00 17 c1  00 0e 00 00                       # UDP 49152 → 6081, len 14
  00 00 65 58  00 00                             # the start of a Geneve header, and the end of the datagram
`);


const assertPlainUdp = (buf: Uint8Array, capLen = buf.length, anomalies: Record<string, number> = {}): void => assertOuterUdp(buf, 49152, 6081, capLen, anomalies);

test('Geneve: options skipped, transparent Ethernet inside; the inner VLAN tag counts', () => {
  const { p, anomalies } = decode(GENEVE_ETHERNET);
  assert.deepEqual(anomalies, {});
  assert.equal(p.tunnel, Tunnel.Geneve);
  assert.equal(p.tunnelDepth, 1);
  assert.equal(p.vlan, 11);
  assertIpv4(p, '198.51.100.1', '198.51.100.2');
  assertTransport(p, 17, 40000, 9);
});

test('Geneve: protocol type IPv4 and IPv6 carry IP directly', () => {
  const v4 = decode(GENEVE_IPV4);
  assert.deepEqual(v4.anomalies, {});
  assert.equal(v4.p.tunnel, Tunnel.Geneve);
  assertIpv4(v4.p, '10.0.0.1', '10.0.0.2');
  assert.equal(v4.p.l4Proto, 1);
  const v6 = decode(GENEVE_IPV6);
  assert.deepEqual(v6.anomalies, {});
  assert.equal(v6.p.tunnel, Tunnel.Geneve);
  assertIpv6(v6.p, '2001:db8::a', '2001:db8::b');
  assertTransport(v6.p, 6, 49153, 443);
});

test('Geneve: port 6081 carrying something else stays a plain UDP flow, without anomaly', () => {
  // version 1
  assertPlainUdp(withBytes(GENEVE_IPV4, GENEVE_OFFSET, 0x40));
  // a protocol type sonde does not take from Geneve (0x8847)
  assertPlainUdp(withBytes(withBytes(GENEVE_IPV4, GENEVE_OFFSET + 2, 0x88), GENEVE_OFFSET + 3, 0x47));
  // IPv4 announced, but no IPv4 header follows
  assertPlainUdp(withBytes(GENEVE_IPV4, GENEVE_OFFSET + 8, 0x60));
  // options longer than the whole datagram
  assertPlainUdp(withBytes(GENEVE_IPV4, GENEVE_OFFSET, 0x3f));
  // a complete datagram too short for the header
  assertPlainUdp(SHORT_DATAGRAM);
});

test('Geneve: cut by the snap length → truncated_geneve, still the UDP flow', () => {
  assertPlainUdp(GENEVE_ETHERNET, GENEVE_OFFSET + 5, { truncated_geneve: 1 });
  assertPlainUdp(GENEVE_ETHERNET, GENEVE_OFFSET + 12, { truncated_geneve: 1 }); // inside the options
  assertPlainUdp(GENEVE_ETHERNET, GENEVE_OFFSET + 16, { truncated_geneve: 1 }); // no inner frame
  // too little to see the protocol type: still counted, the version bits matched
  assertPlainUdp(GENEVE_ETHERNET, GENEVE_OFFSET + 2, { truncated_geneve: 1 });
  // the protocol type is visible and is not one Geneve carries here: not Geneve
  const mpls = withBytes(withBytes(GENEVE_ETHERNET, GENEVE_OFFSET + 2, 0x88), GENEVE_OFFSET + 3, 0x47);
  assertPlainUdp(mpls, GENEVE_OFFSET + 5, {});
});

test('Geneve: fuzzed packets never throw nor read past the capture', () => {
  const r = fuzz([GENEVE_ETHERNET, GENEVE_IPV4, GENEVE_IPV6, SHORT_DATAGRAM], 5000, 0x6e4e, Tunnel.Geneve);
  assert.ok(r.reachedTunnel > 500, `only ${r.reachedTunnel} fuzzed packets got through Geneve`);
  assert.ok(r.withAnomaly > 100, `only ${r.withAnomaly} fuzzed packets raised an anomaly`);
});
