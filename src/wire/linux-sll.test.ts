import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Anomaly, AnomalyCounters } from '../decode/anomaly.js';
import { PacketDecoder } from '../decode/decoder.js';
import { LinkType } from '../decode/dispatch.js';
import { hex } from './bytes.js';

// IPv4 192.168.1.2 → 192.168.1.3, UDP 12345 → 53, 1 byte of payload
const IPV4_UDP = `
  45 00 00 1d  00 01 00 00  40 11 00 00   # v4 IHL 5, total 29, TTL 64, proto UDP
  c0 a8 01 02  c0 a8 01 03                # src, dst
  30 39 00 35  00 09 00 00  78            # UDP sport 12345 dport 53 len 9, payload 'x'
`;
// IPv6 2001:db8::1 → 2001:db8::2, TCP 49153 → 443 SYN
const IPV6_TCP = `
  60 00 00 00  00 14 06 40                # v6, payload 20, next TCP, hop limit 64
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02
  c0 01 01 bb  00 00 00 01  00 00 00 00  50 02 ff ff  00 00 00 00   # TCP SYN
`;

function decode(buf: Uint8Array, linkType: number, capLen = buf.length) {
  const counters = new AnomalyCounters();
  const p = new PacketDecoder(counters).decode(buf, 0, capLen, buf.length, 0, linkType);
  return { p, counters };
}

function assertIpv4Udp(buf: Uint8Array, linkType: number): void {
  const { p } = decode(buf, linkType);
  assert.equal(p.anomaly, -1);
  assert.equal(p.ipVersion, 4);
  assert.equal(p.addr[0], 0xc0a80102);
  assert.equal(p.addr[4], 0xc0a80103);
  assert.equal(p.l4Proto, 17);
  assert.equal(p.sport, 12345);
  assert.equal(p.dport, 53);
  assert.equal(p.payloadLen, 1);
}

function assertIpv6Tcp(buf: Uint8Array, linkType: number): void {
  const { p } = decode(buf, linkType);
  assert.equal(p.anomaly, -1);
  assert.equal(p.ipVersion, 6);
  assert.deepEqual([...p.addr], [0x20010db8, 0, 0, 1, 0x20010db8, 0, 0, 2]);
  assert.equal(p.l4Proto, 6);
  assert.equal(p.sport, 49153);
  assert.equal(p.dport, 443);
  assert.equal(p.tcpFlags, 0x02);
}

function assertNotIpClean(buf: Uint8Array, linkType: number): void {
  const { p, counters } = decode(buf, linkType);
  assert.equal(p.anomaly, -1);
  assert.deepEqual(counters.toObject(), {});
  assert.equal(p.ipVersion, 0);
  assert.equal(p.l4Proto, -1);
}

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

/** mulberry32: a small seeded PRNG so fuzz failures reproduce */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fuzz(seeds: readonly Uint8Array[], linkType: number, rounds: number, seed: number): void {
  const rnd = prng(seed);
  const decoder = new PacketDecoder(new AnomalyCounters());
  for (let i = 0; i < rounds; i++) {
    let buf: Uint8Array;
    if (i % 4 === 0) {
      buf = new Uint8Array(Math.floor(rnd() * 64));
      for (let j = 0; j < buf.length; j++) buf[j] = Math.floor(rnd() * 256);
    } else {
      const src = seeds[Math.floor(rnd() * seeds.length)]!;
      buf = src.slice(0, Math.floor(rnd() * (src.length + 1)));
      const flips = 1 + Math.floor(rnd() * 4);
      for (let k = 0; k < flips && buf.length > 0; k++) {
        // bias mutations toward the link header, where this decoder reads
        const pos = Math.floor(rnd() * Math.min(buf.length, rnd() < 0.7 ? 24 : buf.length));
        buf[pos] = Math.floor(rnd() * 256);
      }
    }
    const p = decoder.decode(buf, 0, buf.length, buf.length, i, linkType);
    assert.ok(p.off <= p.end && p.end <= p.buf.length, `cursor out of bounds on input ${i}`);
  }
}

test('SLL and SLL2: fuzzed input never throws', () => {
  fuzz([SLL_IPV4, SLL_VLAN_IPV6, SLL_LLC_IPV4, SLL_NETLINK], LinkType.LinuxSll, 4000, 113);
  fuzz([SLL2_IPV6, SLL2_IPV4, SLL2_NETLINK], LinkType.LinuxSll2, 4000, 276);
});
