import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tunnel } from '../decode/layers.js';
import { hex } from './bytes.js';
import { MAX_MPLS_LABELS } from './mpls.js';
import { assertIpv4, assertIpv6, assertTransport, decode, fuzz } from '../test-support/tunnel-test-kit.js';

// Ethernet[MPLS 100[MPLS 200 (bottom)[IPv4[UDP 40000→9]]]]
const MPLS_IPV4 = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  88 47   # Ethernet, MPLS unicast
  00 06 40 40                                    # label 100, TC 0, S 0, TTL 64   (offset 14)
  00 0c 81 40                                    # label 200, TC 0, S 1, TTL 64
  45 00 00 20  00 02 00 00  40 11 00 00          # IPv4 total 32, UDP
  c6 33 64 01  c6 33 64 02                       # 198.51.100.1 → 198.51.100.2
  9c 40 00 09  00 0c 00 00  de ad be ef          # UDP 40000 → 9
`);
const MPLS_OFFSET = 14;

// Ethernet[802.1Q 5[MPLS 300 (bottom)[IPv6[ICMPv6 echo]]]]
const MPLS_IPV6_VLAN = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  81 00  00 05 88 47   # Ethernet, VLAN 5, MPLS
  00 12 c1 3f                                    # label 300, S 1, TTL 63
  60 00 00 00  00 08 3a 40                       # IPv6 payload 8, ICMPv6
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01   # 2001:db8::1
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02   # 2001:db8::2
  80 00 00 00  00 01 00 01
`);

// Ethernet[802.1Q 5[MPLS 16 (bottom)[PW control word[Ethernet[802.1Q 42[IPv4[TCP 49153→443 SYN]]]]]]]
const MPLS_PW_ETHERNET = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  81 00  00 05 88 47   # Ethernet, VLAN 5, MPLS
  00 01 01 40                                    # label 16, S 1, TTL 64        (offset 18)
  00 00 00 00                                    # pseudowire control word
  02 00 00 00 00 04  02 00 00 00 00 03  81 00  00 2a 08 00   # Ethernet, VLAN 42, IPv4
  45 00 00 28  00 02 00 00  40 06 00 00          # IPv4 total 40, TCP
  0a 01 01 01  0a 02 02 02                       # 10.1.1.1 → 10.2.2.2
  c0 01 01 bb  00 00 00 01  00 00 00 00  50 02 ff ff  00 00 00 00
`);

// Ethernet[MPLS 17 (bottom)[Ethernet without control word, destination MAC 00:1b:21:…[IPv4[UDP 40000→9]]]]
const MPLS_PW_NO_CW = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  88 47
  00 01 11 40                                    # label 17, S 1, TTL 64
  00 1b 21 0a 0b 0c  00 1b 21 0d 0e 0f  08 00   # Ethernet (no control word), IPv4
  45 00 00 20  00 02 00 00  40 11 00 00  c6 33 64 01  c6 33 64 02
  9c 40 00 09  00 0c 00 00  de ad be ef
`);

// Ethernet[IPv4[GRE 0x8847[MPLS 100 (bottom)[IPv4[ICMP echo]]]]]
const GRE_MPLS = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  08 00
  45 00 00 38  00 01 00 00  40 2f 00 00          # IPv4 total 56, GRE
  c0 00 02 01  c0 00 02 02
  00 00 88 47                                    # GRE, MPLS unicast
  00 06 41 40                                    # label 100, S 1, TTL 64
  45 00 00 1c  00 03 00 00  40 01 00 00  0a 00 00 01  0a 00 00 02
  08 00 f7 ff  00 00 00 00
`);

// Ethernet[MPLS 13 (bottom)[associated channel header 0x1000…]]
const MPLS_ACH = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  88 47
  00 00 d1 01                                    # label 13 (GAL), S 1, TTL 1
  10 00 00 07  00 00 00 00                       # ACH version 0, channel type 7 (BFD)
`);

/** Ethernet[MPLS × `labels`, bottom bit on the last[IPv4[UDP]]] */
function labelStack(labels: number): Uint8Array {
  const entries: string[] = [];
  for (let i = 0; i < labels; i++) entries.push(i === labels - 1 ? '00 06 41 40' : '00 06 40 40');
  return hex(`02 00 00 00 00 02  02 00 00 00 00 01  88 47  ${entries.join(' ')}
    45 00 00 20  00 02 00 00  40 11 00 00  c6 33 64 01  c6 33 64 02  9c 40 00 09  00 0c 00 00  de ad be ef`);
}

test('MPLS: label stack to the bottom, then IPv4 by its first nibble', () => {
  const { p, anomalies } = decode(MPLS_IPV4);
  assert.deepEqual(anomalies, {});
  assertIpv4(p, '198.51.100.1', '198.51.100.2');
  assertTransport(p, 17, 40000, 9);
  assert.equal(p.tunnel, Tunnel.None); // MPLS adds no IP header: not a tunnel
  assert.equal(p.vlan, -1);
});

test('MPLS: IPv6 payload, VLAN tag in front of the label stack', () => {
  const { p, anomalies } = decode(MPLS_IPV6_VLAN);
  assert.deepEqual(anomalies, {});
  assertIpv6(p, '2001:db8::1', '2001:db8::2');
  assert.equal(p.l4Proto, 58);
  assert.equal(p.vlan, 5);
});

test('MPLS: Ethernet pseudowire with control word; the inner VLAN tag wins', () => {
  const { p, anomalies } = decode(MPLS_PW_ETHERNET);
  assert.deepEqual(anomalies, {});
  assertIpv4(p, '10.1.1.1', '10.2.2.2');
  assertTransport(p, 6, 49153, 443);
  assert.equal(p.vlan, 42);
  assert.equal(p.tunnel, Tunnel.None);
});

test('MPLS: Ethernet pseudowire without control word, destination MAC with a 0 nibble', () => {
  const { p, anomalies } = decode(MPLS_PW_NO_CW);
  assert.deepEqual(anomalies, {});
  assertIpv4(p, '198.51.100.1', '198.51.100.2');
  assertTransport(p, 17, 40000, 9);
});

test('MPLS inside GRE (protocol 0x8847 through the EtherType table)', () => {
  const { p, anomalies } = decode(GRE_MPLS);
  assert.deepEqual(anomalies, {});
  assert.equal(p.tunnel, Tunnel.Gre);
  assertIpv4(p, '10.0.0.1', '10.0.0.2');
  assert.equal(p.l4Proto, 1);
});

test('MPLS: an associated channel (first nibble 1) is not decoded further, without anomaly', () => {
  const { p, anomalies } = decode(MPLS_ACH);
  assert.deepEqual(anomalies, {});
  assert.equal(p.ipVersion, 0);
});

test(`MPLS: ${MAX_MPLS_LABELS} labels are fine, a longer stack is truncated_mpls`, () => {
  const ok = decode(labelStack(MAX_MPLS_LABELS));
  assert.deepEqual(ok.anomalies, {});
  assertIpv4(ok.p, '198.51.100.1', '198.51.100.2');
  const tooDeep = decode(labelStack(MAX_MPLS_LABELS + 1));
  assert.deepEqual(tooDeep.anomalies, { truncated_mpls: 1 });
  assert.equal(tooDeep.p.ipVersion, 0);
});

test('MPLS: truncated label stacks and payloads → truncated_mpls', () => {
  for (const capLen of [MPLS_OFFSET + 2, MPLS_OFFSET + 4, MPLS_OFFSET + 6, MPLS_OFFSET + 8]) {
    const r = decode(MPLS_IPV4, capLen);
    assert.deepEqual(r.anomalies, { truncated_mpls: 1 }, `capture of ${capLen} bytes`);
    assert.equal(r.p.ipVersion, 0);
  }
  // the bottom-of-stack bit never comes
  const noBottom = MPLS_IPV4.slice();
  noBottom[MPLS_OFFSET + 6] = 0x80;
  assert.deepEqual(decode(noBottom).anomalies, { truncated_mpls: 1 });
  // control word cut short
  assert.deepEqual(decode(MPLS_PW_ETHERNET, 18 + 4 + 2).anomalies, { truncated_mpls: 1 });
});

test('MPLS: fuzzed packets never throw nor read past the capture', () => {
  const r = fuzz([MPLS_IPV4, MPLS_IPV6_VLAN, MPLS_PW_ETHERNET, MPLS_PW_NO_CW, GRE_MPLS, MPLS_ACH, labelStack(6)], 5000, 0x3e75, Tunnel.None);
  assert.ok(r.withIp > 1000, `only ${r.withIp} fuzzed packets got an IP header through MPLS`);
  assert.ok(r.withAnomaly > 200, `only ${r.withAnomaly} fuzzed packets raised an anomaly`);
});
