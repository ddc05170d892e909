import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Anomaly, AnomalyCounters } from '../decode/anomaly.js';
import { Layer } from '../decode/layers.js';
import { PacketDecoder } from '../decode/decoder.js';
import { LinkType } from '../decode/dispatch.js';
import { hex } from './bytes.js';
import { decodePpi } from './ppi.js';

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

// PPI[Ethernet[IPv4[UDP]]]: no fields
const PPI_ETHERNET = hex(`
  00           # version
  00           # flags
  08 00        # header length 8 (LE)
  01 00 00 00  # DLT 1: Ethernet (LE)
  00 11 22 33 44 55  66 77 88 99 aa bb  08 00
  ${IPV4_UDP}
`);

// the 802.11-Common field: type 2, length 20
function common80211(flags: string): string {
  return `
    02 00  14 00               # field type 2 (802.11-Common), length 20
    00 00 00 00 00 00 00 00    # TSF timer
    ${flags}                   # flags (LE): bit 0 = FCS present
    02 00  6c 09  a0 00        # rate, channel frequency 2412, channel flags
    00 00  c4 a1               # FHSS, dBm signal, dBm noise
  `;
}

// PPI[802.11-Common(FCS)][802.11[LLC[IPv4[UDP]]]] + FCS
const PPI_80211_FCS = hex(`
  00 00  20 00  69 00 00 00    # version 0, flags 0, length 32, DLT 105 (802.11)
  ${common80211('01 00')}
  ${WLAN_DATA_IPV4}
  de ad be ef                  # FCS
`);

// PPI[802.11-Common][802.11[LLC[IPv4[UDP]]]], no FCS
const PPI_80211 = hex(`
  00 00  20 00  69 00 00 00
  ${common80211('00 00')}
  ${WLAN_DATA_IPV4}
`);

// PPI with the alignment flag: a 3-byte field padded to 4, then 802.11-Common with FCS
const PPI_ALIGNED_FCS = hex(`
  00 01  28 00  69 00 00 00    # flags: 32-bit aligned, length 40
  77 77  03 00  01 02 03  00   # vendor field type 0x7777, length 3, 1 pad byte
  ${common80211('01 00')}
  ${WLAN_DATA_IPV4}
  de ad be ef
`);

// PPI with DLT 147 (user-defined): nothing sonde can decode
const PPI_UNKNOWN_DLT = hex(`
  00 00  08 00  93 00 00 00
  ${IPV4_UDP}
`);

function reset(buf: Uint8Array, wireLen = buf.length) {
  const p = new PacketDecoder(new AnomalyCounters()).packet;
  p.reset(buf, 0, buf.length, wireLen, 0, LinkType.Ppi);
  return p;
}

test('PPI: Ethernet and 802.11 payloads', () => {
  assertIpv4Udp(PPI_ETHERNET, LinkType.Ppi);
  assertIpv4Udp(PPI_80211, LinkType.Ppi);
  assertIpv4Udp(PPI_80211_FCS, LinkType.Ppi);
  assertIpv4Udp(PPI_ALIGNED_FCS, LinkType.Ppi);
});

test('PPI: skips its header and dispatches on the DLT', () => {
  const p = reset(PPI_ETHERNET);
  assert.equal(decodePpi(p), Layer.Ethernet);
  assert.equal(p.off, 8);
  const q = reset(PPI_80211);
  assert.equal(decodePpi(q), Layer.Ieee80211);
  assert.equal(q.off, 32);
  assert.equal(q.end, PPI_80211.length);
});

test('PPI: the 802.11-Common FCS flag trims 4 bytes, also with aligned fields', () => {
  const p = reset(PPI_80211_FCS);
  assert.equal(decodePpi(p), Layer.Ieee80211);
  assert.equal(p.end, PPI_80211_FCS.length - 4);
  const q = reset(PPI_ALIGNED_FCS);
  assert.equal(decodePpi(q), Layer.Ieee80211);
  assert.equal(q.off, 40);
  assert.equal(q.end, PPI_ALIGNED_FCS.length - 4);
  // a snap-truncated record has lost its FCS already: keep every byte
  const r = reset(PPI_80211_FCS, PPI_80211_FCS.length + 100);
  decodePpi(r);
  assert.equal(r.end, PPI_80211_FCS.length);
});

test('PPI: unknown encapsulated DLT is unknown_link_type', () => {
  const { p, counters } = decode(PPI_UNKNOWN_DLT, LinkType.Ppi);
  assert.equal(p.anomaly, Anomaly.unknown_link_type);
  assert.equal(counters.counts[Anomaly.unknown_link_type], 1);
  assert.equal(p.ipVersion, 0);
});

// PPI[802.11-Common field overrunning the header][802.11[LLC[IPv4[UDP]]]] + 4 trailing bytes
const PPI_FIELD_OVERRUN = hex(`
  00 00  10 00  69 00 00 00    # length 16
  02 00  14 00  01 00 00 00    # 802.11-Common, length 20: runs past the header at 16
  ${WLAN_DATA_IPV4}
  de ad be ef
`);

test('PPI: a field that overruns the header is counted, the frame after it is still decoded', () => {
  const { p, counters } = decode(PPI_FIELD_OVERRUN, LinkType.Ppi);
  assert.equal(p.anomaly, Anomaly.truncated_ppi);
  assert.equal(counters.counts[Anomaly.truncated_ppi], 1);
  assert.equal(p.ipVersion, 4);
  assert.equal(p.addr[4], 0xc0a80103);
  const q = reset(PPI_FIELD_OVERRUN);
  assert.equal(decodePpi(q), Layer.Ieee80211);
  assert.equal(q.off, 16);
  assert.equal(q.end, PPI_FIELD_OVERRUN.length); // FCS flag unreadable: nothing trimmed
});

test('PPI: truncated or inconsistent headers are truncated_ppi', () => {
  const cases = [
    ...Array.from({ length: 8 }, (_, n) => PPI_80211.slice(0, n)),
    PPI_80211.slice(0, 31),                                     // header length beyond the record
    hex('00 00 04 00 01 00 00 00  00 11 22 33'),                // header length below 8
  ];
  for (const buf of cases) {
    const { p, counters } = decode(buf, LinkType.Ppi);
    assert.equal(p.anomaly, Anomaly.truncated_ppi, `length ${buf.length}`);
    assert.equal(counters.counts[Anomaly.truncated_ppi], 1);
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

test('PPI: fuzzed input never throws', () => {
  fuzz([PPI_ETHERNET, PPI_80211, PPI_80211_FCS, PPI_ALIGNED_FCS, PPI_UNKNOWN_DLT, PPI_FIELD_OVERRUN], LinkType.Ppi, 5000, 192);
});
