import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Anomaly, AnomalyCounters } from '../decode/anomaly.js';
import { Layer } from '../decode/layers.js';
import { PacketDecoder } from '../decode/decoder.js';
import { LinkType } from '../decode/dispatch.js';
import { hex } from './bytes.js';
import { decodeRadiotap } from './radiotap.js';
import { WLAN_DATA_IPV4, decode, assertIpv4Udp, fuzz } from '../test-support/link-test-kit.js';

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

test('Radiotap: fuzzed input never throws', () => {
  fuzz([RT_PLAIN, RT_FLAGS_FCS, RT_TSFT_FLAGS_FCS, RT_EXT_FCS, RT_EXT3_FCS, RT_FLAGS_NO_FCS, RT_EXT_OVERRUN, RT_FLAGS_OVERRUN], LinkType.Ieee80211Radiotap, 5000, 127);
});
