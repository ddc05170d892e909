import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Anomaly, AnomalyCounters } from '../decode/anomaly.js';
import { Layer } from '../decode/layers.js';
import { PacketDecoder } from '../decode/decoder.js';
import { LinkType } from '../decode/dispatch.js';
import { hex } from './bytes.js';
import { decodeRadiotap } from './radiotap.js';

// IPv4 192.168.1.2 → 192.168.1.3, UDP 12345 → 53, 1 byte of payload
const IPV4_UDP = `
  45 00 00 1d  00 01 00 00  40 11 00 00   # v4 IHL 5, total 29, TTL 64, proto UDP
  c0 a8 01 02  c0 a8 01 03                # src, dst
  30 39 00 35  00 09 00 00  78            # UDP sport 12345 dport 53 len 9, payload 'x'
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

// 802.11[LLC[SNAP[IPv4[UDP]]]]: data frame, station → AP
const WLAN_DATA_IPV4 = `
  08 01                    # FC: type data, subtype 0; flags ToDS
  2c 00                    # duration
  00 11 22 33 44 55        # addr1: BSSID
  66 77 88 99 aa bb        # addr2: source
  00 11 22 33 44 66        # addr3: destination
  10 00                    # sequence 1, fragment 0
  aa aa 03  00 00 00  08 00
  ${IPV4_UDP}
`;

// Radiotap[802.11[LLC[IPv4[UDP]]]]: no fields
const RT_PLAIN = hex(`
  00 00        # version 0, pad
  08 00        # length 8 (LE)
  00 00 00 00  # present: nothing
  ${WLAN_DATA_IPV4}
`);

// Radiotap(Flags: FCS)[802.11[…]] + FCS
const RT_FLAGS_FCS = hex(`
  00 00  0a 00  02 00 00 00    # length 10, present: Flags
  10                           # flags: FCS at end
  00                           # pad to the length
  ${WLAN_DATA_IPV4}
  de ad be ef
`);

// Radiotap(TSFT, Flags: FCS, Rate, Channel) as most drivers write it, + FCS
const RT_TSFT_FLAGS_FCS = hex(`
  00 00  16 00  0f 00 00 00    # length 22; present: TSFT, Flags, Rate, Channel
  11 22 33 44 55 66 77 88      # TSFT (offset 8, 8-aligned)
  12                           # flags: FCS at end, short preamble
  02                           # rate
  6c 09  a0 00                 # channel 2412 (2-aligned at 18), channel flags
  ${WLAN_DATA_IPV4}
  de ad be ef
`);

// Radiotap with two present words: fields start at 12, TSFT is aligned up to 16, Flags at 24
const RT_EXT_FCS = hex(`
  00 00  1a 00                 # length 26
  03 00 00 a0                  # present: TSFT, Flags, radiotap NS next (29), ext (31)
  20 08 00 00                  # present word 2: antenna signal, antenna
  00 00 00 00                  # padding to 8-byte alignment (offset 12..15)
  00 00 00 00 00 00 00 00      # TSFT (offset 16)
  10                           # flags (offset 24): FCS at end
  00
  ${WLAN_DATA_IPV4}
  de ad be ef
`);

// Radiotap with three present words and no TSFT: Flags at 16
const RT_EXT3_FCS = hex(`
  00 00  12 00                 # length 18
  02 00 00 80                  # present: Flags, ext
  00 00 00 80                  # present word 2: ext
  00 00 00 00                  # present word 3
  10 00                        # flags (offset 16): FCS at end; pad
  ${WLAN_DATA_IPV4}
  de ad be ef
`);

// Radiotap(Flags without FCS)
const RT_FLAGS_NO_FCS = hex(`
  00 00  0a 00  02 00 00 00  02 00
  ${WLAN_DATA_IPV4}
`);

function reset(buf: Uint8Array, wireLen = buf.length) {
  const p = new PacketDecoder(new AnomalyCounters()).packet;
  p.reset(buf, 0, buf.length, wireLen, 0, LinkType.Ieee80211Radiotap);
  return p;
}

test('Radiotap: 802.11 frames after the header decode to IP', () => {
  for (const buf of [RT_PLAIN, RT_FLAGS_FCS, RT_TSFT_FLAGS_FCS, RT_EXT_FCS, RT_EXT3_FCS, RT_FLAGS_NO_FCS]) {
    assertIpv4Udp(buf, LinkType.Ieee80211Radiotap);
  }
});

test('Radiotap: skips the header and trims the FCS the Flags field announces', () => {
  for (const [buf, headerLen, fcs] of [
    [RT_PLAIN, 8, false],
    [RT_FLAGS_FCS, 10, true],
    [RT_TSFT_FLAGS_FCS, 22, true],
    [RT_EXT_FCS, 26, true],
    [RT_EXT3_FCS, 18, true],
    [RT_FLAGS_NO_FCS, 10, false],
  ] as const) {
    const p = reset(buf);
    assert.equal(decodeRadiotap(p), Layer.Ieee80211);
    assert.equal(p.off, headerLen);
    assert.equal(p.end, buf.length - (fcs ? 4 : 0), `header length ${headerLen}`);
  }
  // snap-truncated: the FCS is not in the record
  const p = reset(RT_FLAGS_FCS, RT_FLAGS_FCS.length + 100);
  decodeRadiotap(p);
  assert.equal(p.end, RT_FLAGS_FCS.length);
});

// Radiotap(present: ext, but the header ends before the next word)[802.11[…]]
const RT_EXT_OVERRUN = hex(`
  00 00  0a 00  02 00 00 80    # length 10, present: Flags + ext
  10 00                        # half a present word (would read as Flags = FCS if taken for a field)
  ${WLAN_DATA_IPV4}
`);
// Radiotap(present: TSFT + Flags, but the length stops inside TSFT)[802.11[…]]
const RT_FLAGS_OVERRUN = hex(`
  00 00  10 00  03 00 00 00    # length 16
  00 00 00 00 00 00 00 00      # TSFT; Flags would be at 16, past the header
  ${WLAN_DATA_IPV4}
`);

test('Radiotap: fields that overrun the header are counted, the frame after it is still decoded', () => {
  for (const buf of [RT_EXT_OVERRUN, RT_FLAGS_OVERRUN]) {
    const { p, counters } = decode(buf, LinkType.Ieee80211Radiotap);
    assert.equal(p.anomaly, Anomaly.truncated_radiotap);
    assert.equal(counters.counts[Anomaly.truncated_radiotap], 1);
    assert.equal(p.ipVersion, 4);
    assert.equal(p.addr[0], 0xc0a80102);
    assert.equal(p.dport, 53);
    const q = reset(buf);
    assert.equal(decodeRadiotap(q), Layer.Ieee80211);
    assert.equal(q.off, buf[2]!);
    assert.equal(q.end, buf.length); // the FCS flag could not be read: nothing trimmed
  }
});

test('Radiotap: truncated or inconsistent headers are truncated_radiotap', () => {
  const cases = [
    ...Array.from({ length: 8 }, (_, n) => RT_PLAIN.slice(0, n)),
    RT_TSFT_FLAGS_FCS.slice(0, 21),                    // length beyond the record
    hex('00 00 06 00 00 00 00 00 00 00'),              // length below 8
  ];
  for (const buf of cases) {
    const { p, counters } = decode(buf, LinkType.Ieee80211Radiotap);
    assert.equal(p.anomaly, Anomaly.truncated_radiotap, `length ${buf.length}`);
    assert.equal(counters.counts[Anomaly.truncated_radiotap], 1);
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

test('Radiotap: fuzzed input never throws', () => {
  fuzz([RT_PLAIN, RT_FLAGS_FCS, RT_TSFT_FLAGS_FCS, RT_EXT_FCS, RT_EXT3_FCS, RT_FLAGS_NO_FCS, RT_EXT_OVERRUN, RT_FLAGS_OVERRUN], LinkType.Ieee80211Radiotap, 5000, 127);
});
