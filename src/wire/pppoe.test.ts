import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Layer, Tunnel } from '../decode/layers.js';
import { LinkType } from '../decode/dispatch.js';
import { hex } from './bytes.js';
import { assertIpv4, assertIpv6, assertTransport, decode, decodeUntil, fuzz, withBytes } from '../test-support/tunnel-test-kit.js';

// Ethernet[PPPoE session 0x1234[PPP 0x0021[IPv4[TCP 49153→443 SYN]]]] + 4 bytes of Ethernet padding
const PPPOE_IPV4 = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  88 64   # Ethernet, PPPoE session
  11 00 12 34  00 2a                             # ver/type 0x11, code 0, session 0x1234, length 42   (offset 14)
  00 21                                          # PPP: IPv4                    (offset 20)
  45 00 00 28  00 02 00 00  40 06 00 00          # IPv4 total 40, TCP
  0a 01 01 01  0a 02 02 02                       # 10.1.1.1 → 10.2.2.2
  c0 01 01 bb  00 00 00 01  00 00 00 00  50 02 ff ff  00 00 00 00
  00 00 00 00                                    # Ethernet padding
`);
const PPPOE_OFFSET = 14;

// Ethernet[802.1Q 100[PPPoE[PPP 0x0057[IPv6[UDP 4000→4001]]]]]
const PPPOE_IPV6_VLAN = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  81 00  00 64 88 64   # Ethernet, VLAN 100, PPPoE session
  11 00 00 07  00 36                             # session 7, length 54
  00 57                                          # PPP: IPv6
  60 00 00 00  00 0c 11 40                       # IPv6 payload 12, UDP
  20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 01   # 2001:db8:1::1
  20 01 0d b8 00 02 00 00 00 00 00 00 00 00 00 02   # 2001:db8:2::2
  0f a0 0f a1  00 0c 00 00  01 02 03 04          # UDP 4000 → 4001
`);

// Ethernet[PPPoE[PPP 0xc021 LCP echo request]]
const PPPOE_LCP = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  88 64
  11 00 12 34  00 0a                             # length 10
  c0 21                                          # PPP: LCP
  09 01 00 08  00 00 00 00                       # echo request, magic 0
`);

// Ethernet[PPPoE[PPP 0x0281[MPLS (bottom)[IPv4[ICMP echo]]]]]
const PPPOE_MPLS = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  88 64
  11 00 12 34  00 22                             # length 34
  02 81                                          # PPP: MPLS unicast
  00 06 41 40                                    # label 100, S 1, TTL 64
  45 00 00 1c  00 03 00 00  40 01 00 00  0a 00 00 01  0a 00 00 02
  08 00 f7 ff  00 00 00 00
`);

// Ethernet[PPPoE[PPP compressed protocol 0x21[IPv4[ICMP echo]]]]
const PPPOE_PFC = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  88 64
  11 00 12 34  00 1d                             # length 29
  21                                             # PPP: IPv4, protocol field compressed
  45 00 00 1c  00 03 00 00  40 01 00 00  0a 00 00 01  0a 00 00 02
  08 00 f7 ff  00 00 00 00
`);


test('PPPoE session: PPP protocol 0x0021 → IPv4; not a tunnel', () => {
  const { p, anomalies } = decode(PPPOE_IPV4);
  assert.deepEqual(anomalies, {});
  assertIpv4(p, '10.1.1.1', '10.2.2.2');
  assertTransport(p, 6, 49153, 443);
  assert.equal(p.tunnel, Tunnel.None);
});

test('PPPoE session: the PPPoE length trims the Ethernet padding', () => {
  const r = decodeUntil(PPPOE_IPV4, Layer.Ipv4);
  assert.equal(r.layer, Layer.Ipv4);
  assert.equal(r.p.off, PPPOE_OFFSET + 8);
  assert.equal(r.p.end, PPPOE_OFFSET + 6 + 42);
});

test('PPPoE session: IPv6 behind a VLAN tag', () => {
  const { p, anomalies } = decode(PPPOE_IPV6_VLAN);
  assert.deepEqual(anomalies, {});
  assertIpv6(p, '2001:db8:1::1', '2001:db8:2::2');
  assertTransport(p, 17, 4000, 4001);
  assert.equal(p.vlan, 100);
});

test('PPPoE session: MPLS over PPP and a compressed protocol field', () => {
  const mpls = decode(PPPOE_MPLS);
  assert.deepEqual(mpls.anomalies, {});
  assertIpv4(mpls.p, '10.0.0.1', '10.0.0.2');
  const pfc = decode(PPPOE_PFC);
  assert.deepEqual(pfc.anomalies, {});
  assertIpv4(pfc.p, '10.0.0.1', '10.0.0.2');
  assert.equal(pfc.p.l4Proto, 1);
});

test('PPPoE session: LCP and other control protocols end the stack without anomaly', () => {
  const { p, anomalies } = decode(PPPOE_LCP);
  assert.deepEqual(anomalies, {});
  assert.equal(p.ipVersion, 0);
  assert.equal(p.l4Proto, -1);
});

test('DLT_PPP_ETHER: the capture starts with the PPPoE header', () => {
  const bare = PPPOE_IPV4.subarray(PPPOE_OFFSET);
  const { p, anomalies } = decode(bare, bare.length, bare.length, LinkType.PppEther);
  assert.deepEqual(anomalies, {});
  assertIpv4(p, '10.1.1.1', '10.2.2.2');
});

test('PPPoE session: truncated headers → truncated_pppoe, malformed ones → bad_pppoe_header', () => {
  for (const capLen of [PPPOE_OFFSET, PPPOE_OFFSET + 3, PPPOE_OFFSET + 6, PPPOE_OFFSET + 7]) {
    const r = decode(PPPOE_IPV4, capLen);
    assert.deepEqual(r.anomalies, { truncated_pppoe: 1 }, `capture of ${capLen} bytes`);
    assert.equal(r.p.ipVersion, 0);
  }
  // ver/type other than 0x11
  assert.deepEqual(decode(withBytes(PPPOE_IPV4, PPPOE_OFFSET, 0x21)).anomalies, { bad_pppoe_header: 1 });
  // a discovery code (PADT) on the session EtherType
  assert.deepEqual(decode(withBytes(PPPOE_IPV4, PPPOE_OFFSET + 1, 0xa7)).anomalies, { bad_pppoe_header: 1 });
  // length 0: no PPP protocol field
  assert.deepEqual(decode(withBytes(PPPOE_IPV4, PPPOE_OFFSET + 5, 0x00)).anomalies, { bad_pppoe_header: 1 });
  // length 1 with an uncompressed protocol field
  assert.deepEqual(decode(withBytes(PPPOE_IPV4, PPPOE_OFFSET + 5, 0x01)).anomalies, { truncated_pppoe: 1 });
});

test('PPPoE: fuzzed packets never throw nor read past the capture', () => {
  const r = fuzz([PPPOE_IPV4, PPPOE_IPV6_VLAN, PPPOE_LCP, PPPOE_MPLS, PPPOE_PFC], 5000, 0x9900e, Tunnel.None);
  assert.ok(r.withIp > 1000, `only ${r.withIp} fuzzed packets got an IP header through PPPoE`);
  assert.ok(r.withAnomaly > 200, `only ${r.withAnomaly} fuzzed packets raised an anomaly`);
});
