import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Anomaly, AnomalyCounters } from '../decode/anomaly.js';
import { Layer } from '../decode/layers.js';
import { PacketDecoder } from '../decode/decoder.js';
import { LinkType } from '../decode/dispatch.js';
import { hex } from './bytes.js';
import { decodePpi } from './ppi.js';
import { IPV4_UDP, WLAN_DATA_IPV4, decode, assertIpv4Udp, fuzz } from '../test-support/link-test-kit.js';

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

test('PPI: fuzzed input never throws', () => {
  fuzz([PPI_ETHERNET, PPI_80211, PPI_80211_FCS, PPI_ALIGNED_FCS, PPI_UNKNOWN_DLT, PPI_FIELD_OVERRUN], LinkType.Ppi, 5000, 192);
});
