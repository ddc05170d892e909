// Shared by the link-layer decoder tests (src/wire/{linux-sll,bsd-loopback,ppp,cisco-hdlc,ppi,radiotap,ieee80211,llc}.test.ts):
// the IP packets framed by each link header under test, decoding through the real PacketDecoder,
// assertions on what those packets decode to, and a seeded fuzz loop.
import assert from 'node:assert/strict';
import { AnomalyCounters } from '../decode/anomaly.js';
import { PacketDecoder } from '../decode/decoder.js';
import type { DecodedPacket } from '../decode/packet.js';
import { seededRandom } from './prng.js';

// IPv4 192.168.1.2 → 192.168.1.3, UDP 12345 → 53, 1 byte of payload
export const IPV4_UDP = `
  45 00 00 1d  00 01 00 00  40 11 00 00   # v4 IHL 5, total 29, TTL 64, proto UDP
  c0 a8 01 02  c0 a8 01 03                # src, dst
  30 39 00 35  00 09 00 00  78            # UDP sport 12345 dport 53 len 9, payload 'x'
`;
// IPv6 2001:db8::1 → 2001:db8::2, TCP 49153 → 443 SYN
export const IPV6_TCP = `
  60 00 00 00  00 14 06 40                # v6, payload 20, next TCP, hop limit 64
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01
  20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02
  c0 01 01 bb  00 00 00 01  00 00 00 00  50 02 ff ff  00 00 00 00   # TCP SYN
`;

// 802.11[LLC[SNAP[IPv4[UDP]]]]: data frame, station → AP
export const WLAN_DATA_IPV4 = `
  08 01                    # FC: type data, subtype 0; flags ToDS
  2c 00                    # duration
  00 11 22 33 44 55        # addr1: BSSID
  66 77 88 99 aa bb        # addr2: source
  00 11 22 33 44 66        # addr3: destination
  10 00                    # sequence 1, fragment 0
  aa aa 03  00 00 00  08 00
  ${IPV4_UDP}
`;

/** Decodes one record of link type `linkType`; `capLen` < `buf.length` models a capture cut by the snap length. */
export function decode(buf: Uint8Array, linkType: number, capLen = buf.length): { p: DecodedPacket; counters: AnomalyCounters } {
  const counters = new AnomalyCounters();
  const p = new PacketDecoder(counters).decode(buf, 0, capLen, buf.length, 0, linkType);
  return { p, counters };
}

/** `buf` decodes cleanly to the packet of IPV4_UDP */
export function assertIpv4Udp(buf: Uint8Array, linkType: number): void {
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

/** `buf` decodes cleanly to the packet of IPV6_TCP */
export function assertIpv6Tcp(buf: Uint8Array, linkType: number): void {
  const { p } = decode(buf, linkType);
  assert.equal(p.anomaly, -1);
  assert.equal(p.ipVersion, 6);
  assert.deepEqual([...p.addr], [0x20010db8, 0, 0, 1, 0x20010db8, 0, 0, 2]);
  assert.equal(p.l4Proto, 6);
  assert.equal(p.sport, 49153);
  assert.equal(p.dport, 443);
  assert.equal(p.tcpFlags, 0x02);
}

/** `buf` carries no IP packet, and decoding it counts no anomaly */
export function assertNotIpClean(buf: Uint8Array, linkType: number): void {
  const { p, counters } = decode(buf, linkType);
  assert.equal(p.anomaly, -1);
  assert.deepEqual(counters.toObject(), {});
  assert.equal(p.ipVersion, 0);
  assert.equal(p.l4Proto, -1);
}

/**
 * Decodes `rounds` inputs of link type `linkType` and checks that decoding never throws and keeps
 * its cursor inside the buffer. Every fourth input is random bytes; the others are `seeds`, cut to a
 * random length, with 1..4 random bytes overwritten, mostly in the first 24 bytes where the link
 * header is. `seed` seeds the PRNG so a failure reproduces.
 */
export function fuzz(seeds: readonly Uint8Array[], linkType: number, rounds: number, seed: number): void {
  const rnd = seededRandom(seed);
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
