import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Anomaly } from '../decode/anomaly.js';
import { LinkType } from '../decode/dispatch.js';
import { hex } from './bytes.js';
import { IPV4_UDP, IPV6_TCP, decode, assertIpv4Udp, assertIpv6Tcp, assertNotIpClean, fuzz } from '../test-support/link-test-kit.js';

// SLL[IPv4[UDP]]
const SLL_IPV4 = hex(`
  00 00        # packet type: to us
  00 01        # ARPHRD_ETHER
  00 06        # address length
  00 11 22 33 44 55 00 00   # link-layer address, padded to 8
  08 00        # protocol: IPv4
  ${IPV4_UDP}
`);

// SLL[802.1Q[IPv6[TCP]]] (libpcap re-inserts the VLAN tag it got from the kernel's aux data)
const SLL_VLAN_IPV6 = hex(`
  00 04  00 01  00 06  00 11 22 33 44 55 00 00   # outgoing, ARPHRD_ETHER
  81 00                                          # protocol: 802.1Q
  20 64  86 dd                                   # PCP 1, VID 100, then IPv6
  ${IPV6_TCP}
`);

// SLL[LLC[SNAP[IPv4[UDP]]]]
const SLL_LLC_IPV4 = hex(`
  00 00  00 01  00 06  00 11 22 33 44 55 00 00
  00 04                                          # ETH_P_802_2: an LLC header follows
  aa aa 03  00 00 00  08 00                      # LLC SNAP, OUI 0, EtherType IPv4
  ${IPV4_UDP}
`);

// SLL[netlink] — protocol field says 0x0800 but ARPHRD_NETLINK payloads are never IP
const SLL_NETLINK = hex(`
  00 04  03 38  00 00  00 00 00 00 00 00 00 00   # outgoing, ARPHRD_NETLINK (824)
  08 00
  ${IPV4_UDP}
`);

// SLL[802.3 raw] (ETH_P_802_3, e.g. Novell IPX): not IP
const SLL_8023 = hex(`
  00 00  00 01  00 06  00 11 22 33 44 55 00 00
  00 01
  ff ff 00 1e 00 00
`);

// SLL2[IPv6[TCP]]
const SLL2_IPV6 = hex(`
  86 dd        # protocol: IPv6
  00 00        # reserved
  00 00 00 02  # interface index
  00 01        # ARPHRD_ETHER
  00           # packet type: to us
  06           # address length
  00 11 22 33 44 55 00 00
  ${IPV6_TCP}
`);

// SLL2[IPv4[UDP]] on a tun device (ARPHRD_NONE, no address)
const SLL2_IPV4 = hex(`
  08 00  00 00  00 00 00 07  ff fe  00  00  00 00 00 00 00 00 00 00
  ${IPV4_UDP}
`);

// SLL2[netlink]
const SLL2_NETLINK = hex(`
  08 00  00 00  00 00 00 01  03 38  04  00  00 00 00 00 00 00 00 00
  ${IPV4_UDP}
`);

test('SLL: IPv4, VLAN-tagged IPv6, LLC/SNAP', () => {
  assertIpv4Udp(SLL_IPV4, LinkType.LinuxSll);
  assertIpv6Tcp(SLL_VLAN_IPV6, LinkType.LinuxSll);
  assert.equal(decode(SLL_VLAN_IPV6, LinkType.LinuxSll).p.vlan, 100);
  assertIpv4Udp(SLL_LLC_IPV4, LinkType.LinuxSll);
});

test('SLL: netlink and 802.3 payloads end without an anomaly', () => {
  assertNotIpClean(SLL_NETLINK, LinkType.LinuxSll);
  assertNotIpClean(SLL_8023, LinkType.LinuxSll);
});

test('SLL2: IPv6, IPv4, netlink', () => {
  assertIpv6Tcp(SLL2_IPV6, LinkType.LinuxSll2);
  assertIpv4Udp(SLL2_IPV4, LinkType.LinuxSll2);
  assertNotIpClean(SLL2_NETLINK, LinkType.LinuxSll2);
});

test('SLL and SLL2: truncated headers are truncated_sll', () => {
  for (const [buf, linkType, headerLen] of [
    [SLL_IPV4, LinkType.LinuxSll, 16],
    [SLL2_IPV6, LinkType.LinuxSll2, 20],
  ] as const) {
    for (let n = 0; n < headerLen; n++) {
      const { p, counters } = decode(buf.slice(0, n), linkType);
      assert.equal(p.anomaly, Anomaly.truncated_sll, `length ${n}`);
      assert.equal(counters.counts[Anomaly.truncated_sll], 1);
      assert.equal(p.ipVersion, 0);
    }
    // the header alone is fine for SLL; the IP layer then complains
    const { p } = decode(buf.slice(0, headerLen), linkType);
    assert.notEqual(p.anomaly, Anomaly.truncated_sll);
  }
});

test('SLL and SLL2: fuzzed input never throws', () => {
  fuzz([SLL_IPV4, SLL_VLAN_IPV6, SLL_LLC_IPV4, SLL_NETLINK], LinkType.LinuxSll, 4000, 113);
  fuzz([SLL2_IPV6, SLL2_IPV4, SLL2_NETLINK], LinkType.LinuxSll2, 4000, 276);
});
