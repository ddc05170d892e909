import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Anomaly } from '../decode/anomaly.js';
import { LinkType } from '../decode/dispatch.js';
import { hex } from './bytes.js';
import { IPV4_UDP, IPV6_TCP, decode, assertIpv4Udp, assertIpv6Tcp, fuzz } from '../test-support/link-test-kit.js';

// NULL[IPv4[UDP]] written by a little-endian host
const NULL_LE_IPV4 = hex(`
  02 00 00 00   # AF_INET, little-endian
  ${IPV4_UDP}
`);
// NULL[IPv4[UDP]] written by a big-endian host
const NULL_BE_IPV4 = hex(`
  00 00 00 02   # AF_INET, big-endian
  ${IPV4_UDP}
`);
// NULL[IPv6[TCP]] with each system's AF_INET6, in both byte orders
const INET6_FAMILIES = [10, 24, 28, 30] as const;
function nullIpv6(af: number, littleEndian: boolean): Uint8Array {
  const header = littleEndian ? `${af.toString(16).padStart(2, '0')} 00 00 00` : `00 00 00 ${af.toString(16).padStart(2, '0')}`;
  return hex(`${header} ${IPV6_TCP}`);
}
// NULL[?]: AF 7 (OSI) is not a family sonde decodes
const NULL_UNKNOWN_AF = hex(`
  07 00 00 00
  ${IPV4_UDP}
`);
// LOOP[IPv4[UDP]]: always network byte order
const LOOP_IPV4 = hex(`
  00 00 00 02
  ${IPV4_UDP}
`);
// LOOP[IPv6[TCP]] (OpenBSD AF_INET6 = 24)
const LOOP_IPV6 = hex(`
  00 00 00 18
  ${IPV6_TCP}
`);
// LOOP with a little-endian AF_INET is 0x02000000 in network order: not a family
const LOOP_LE_FAMILY = hex(`
  02 00 00 00
  ${IPV4_UDP}
`);

test('NULL: AF_INET in either byte order', () => {
  assertIpv4Udp(NULL_LE_IPV4, LinkType.Null);
  assertIpv4Udp(NULL_BE_IPV4, LinkType.Null);
});

test('NULL: every AF_INET6 value, either byte order', () => {
  for (const af of INET6_FAMILIES) {
    assertIpv6Tcp(nullIpv6(af, true), LinkType.Null);
    assertIpv6Tcp(nullIpv6(af, false), LinkType.Null);
  }
});

test('NULL and LOOP: unknown address family is an anomaly', () => {
  for (const [buf, linkType] of [
    [NULL_UNKNOWN_AF, LinkType.Null],
    [LOOP_LE_FAMILY, LinkType.Loop],
  ] as const) {
    const { p, counters } = decode(buf, linkType);
    assert.equal(p.anomaly, Anomaly.unknown_bsd_address_family);
    assert.equal(counters.counts[Anomaly.unknown_bsd_address_family], 1);
    assert.equal(p.ipVersion, 0);
  }
});

test('LOOP: network byte order families', () => {
  assertIpv4Udp(LOOP_IPV4, LinkType.Loop);
  assertIpv6Tcp(LOOP_IPV6, LinkType.Loop);
});

test('NULL and LOOP: fewer than 4 bytes is truncated_link_header', () => {
  for (const linkType of [LinkType.Null, LinkType.Loop]) {
    for (let n = 0; n < 4; n++) {
      const { p, counters } = decode(LOOP_IPV4.slice(0, n), linkType);
      assert.equal(p.anomaly, Anomaly.truncated_link_header, `length ${n}`);
      assert.equal(counters.counts[Anomaly.truncated_link_header], 1);
    }
    // 4 bytes: the header is whole, the IPv4 header is what is missing
    assert.equal(decode(LOOP_IPV4.slice(0, 4), linkType).p.anomaly, Anomaly.truncated_ipv4);
  }
});

test('NULL and LOOP: fuzzed input never throws', () => {
  const seeds = [NULL_LE_IPV4, NULL_BE_IPV4, nullIpv6(30, true), nullIpv6(24, false), NULL_UNKNOWN_AF];
  fuzz(seeds, LinkType.Null, 4000, 0);
  fuzz([LOOP_IPV4, LOOP_IPV6, LOOP_LE_FAMILY], LinkType.Loop, 4000, 108);
});
