import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Layer, Tunnel } from '../decode/layers.js';
import { hex } from './bytes.js';
import { assertIpv4, assertOuterUdp, assertTransport, decode, decodeUntil, fuzz, withBytes } from '../test-support/tunnel-test-kit.js';

// Ethernet[IPv4[UDP 12380→5247[CAPWAP data T=0[Ethernet[IPv4[UDP 40000→9]]]]]]
const CAPWAP_8023 = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  08 00   # Ethernet, IPv4
  45 00 00 52  00 01 00 00  40 11 00 00          # IPv4 total 82, UDP
  c0 00 02 01  c0 00 02 02                       # 192.0.2.1 → 192.0.2.2
  30 5c 14 7f  00 3e 00 00                       # UDP 12380 → 5247, len 62
  00 10 42 00                                    # preamble 0; HLEN 2, RID 1, WBID 1, T=0, no flags   (offset 42)
  00 00 00 00                                    # fragment id, offset
  02 00 00 00 00 04  02 00 00 00 00 03  08 00   # IEEE 802.3 frame, IPv4
  45 00 00 20  00 02 00 00  40 11 00 00          # IPv4 total 32, UDP
  c6 33 64 01  c6 33 64 02                       # 198.51.100.1 → 198.51.100.2
  9c 40 00 09  00 0c 00 00  de ad be ef          # UDP 40000 → 9
`);
const CAPWAP_OFFSET = 42;

// Ethernet[IPv4[UDP 12380→5247[CAPWAP data T=1 WBID 802.11 + radio MAC[802.11 data[LLC/SNAP[IPv4[ICMP echo]]]]]]]
const CAPWAP_80211 = hex(`
  02 00 00 00 00 02  02 00 00 00 00 01  08 00
  45 00 00 68  00 01 00 00  40 11 00 00          # IPv4 total 104, UDP
  c0 00 02 01  c0 00 02 02
  30 5c 14 7f  00 54 00 00                       # UDP 12380 → 5247, len 84
  00 20 43 10                                    # HLEN 4, RID 1, WBID 1 (802.11), T=1, M=1
  00 00 00 00                                    # fragment id, offset
  06 00 1b 21 0a 0b 0c 00                        # radio MAC: length 6, address, padding
  08 01 00 00                                    # 802.11 data, ToDS; duration            (offset 58)
  00 1b 21 aa aa aa  00 1b 21 0a 0b 0c  00 1b 21 bb bb bb   # BSSID, source, destination
  10 00                                          # sequence 1, fragment 0
  aa aa 03 00 00 00 08 00                        # LLC/SNAP, IPv4
  45 00 00 1c  00 03 00 00  40 01 00 00          # IPv4 total 28, ICMP
  0a 00 00 01  0a 00 00 02                       # 10.0.0.1 → 10.0.0.2
  08 00 f7 ff  00 00 00 00
`);
const CAPWAP_80211_FRAME_OFFSET = 58;


const assertPlainUdp = (buf: Uint8Array, capLen = buf.length, anomalies: Record<string, number> = {}): void => assertOuterUdp(buf, 12380, 5247, capLen, anomalies);

test('CAPWAP data, T=0: an IEEE 802.3 frame', () => {
  const { p, anomalies } = decode(CAPWAP_8023);
  assert.deepEqual(anomalies, {});
  assert.equal(p.tunnel, Tunnel.Capwap);
  assert.equal(p.tunnelDepth, 1);
  assertIpv4(p, '198.51.100.1', '198.51.100.2');
  assertTransport(p, 17, 40000, 9);
});

test('CAPWAP data, T=1 WBID 1: the 802.11 frame starts after HLEN words (radio MAC inside)', () => {
  const until = decodeUntil(CAPWAP_80211, Layer.Ieee80211);
  assert.equal(until.layer, Layer.Ieee80211);
  assert.deepEqual(until.anomalies, {});
  assert.equal(until.p.off, CAPWAP_80211_FRAME_OFFSET);
  assert.equal(until.p.tunnel, Tunnel.Capwap);
  assert.equal(until.p.ipVersion, 0);
  // and through the 802.11 and LLC decoders to the station's packet
  const { p, anomalies } = decode(CAPWAP_80211);
  assert.deepEqual(anomalies, {});
  assert.equal(p.tunnel, Tunnel.Capwap);
  assertIpv4(p, '10.0.0.1', '10.0.0.2');
  assert.equal(p.l4Proto, 1);
});

test('CAPWAP: the first fragment of a frame is decoded, later fragments are not', () => {
  // F=1, offset 0
  const first = decode(withBytes(CAPWAP_8023, CAPWAP_OFFSET + 3, 0x80));
  assert.equal(first.p.tunnel, Tunnel.Capwap);
  assertIpv4(first.p, '198.51.100.1', '198.51.100.2');
  // F=1, offset 10 (in 8-byte units, upper 13 bits of bytes 6-7)
  assertPlainUdp(withBytes(withBytes(CAPWAP_8023, CAPWAP_OFFSET + 3, 0x80), CAPWAP_OFFSET + 7, 0x50));
});

test('CAPWAP: keep-alives, DTLS, other bindings and non-CAPWAP payloads stay plain UDP flows, without anomaly', () => {
  assertPlainUdp(withBytes(CAPWAP_8023, CAPWAP_OFFSET + 3, 0x08)); // K: keep-alive
  assertPlainUdp(withBytes(CAPWAP_8023, CAPWAP_OFFSET, 0x01)); // preamble type 1: DTLS
  assertPlainUdp(withBytes(CAPWAP_8023, CAPWAP_OFFSET, 0x10)); // preamble version 1
  assertPlainUdp(withBytes(CAPWAP_80211, CAPWAP_OFFSET + 2, 0x47)); // T=1 with WBID 3 (EPCGlobal)
  assertPlainUdp(withBytes(CAPWAP_8023, CAPWAP_OFFSET + 1, 0x08)); // HLEN 1: shorter than the header
  assertPlainUdp(withBytes(CAPWAP_8023, CAPWAP_OFFSET + 1, 0xf8)); // HLEN 31: past the datagram
});

test('CAPWAP: cut by the snap length → truncated_capwap, still the UDP flow', () => {
  assertPlainUdp(CAPWAP_8023, CAPWAP_OFFSET + 4, { truncated_capwap: 1 });
  assertPlainUdp(CAPWAP_8023, CAPWAP_OFFSET + 8, { truncated_capwap: 1 }); // no inner frame
  assertPlainUdp(CAPWAP_80211, CAPWAP_OFFSET + 12, { truncated_capwap: 1 }); // inside the radio MAC
  assertPlainUdp(withBytes(CAPWAP_8023, CAPWAP_OFFSET, 0x01), CAPWAP_OFFSET + 4, {}); // DTLS: not counted
});

test('CAPWAP: fuzzed packets never throw nor read past the capture', () => {
  const r = fuzz([CAPWAP_8023, CAPWAP_80211], 5000, 0xca9, Tunnel.Capwap);
  assert.ok(r.reachedTunnel > 500, `only ${r.reachedTunnel} fuzzed packets got through CAPWAP`);
  assert.ok(r.withAnomaly > 100, `only ${r.withAnomaly} fuzzed packets raised an anomaly`);
});
