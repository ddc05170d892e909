import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';
import { seededRandom } from '../../../test-support/prng.js';
import { readRtcp, rtpPayloadAt } from './index.js';

// RTP, PCMU (PT 0): V=2, no P/X/CC; sequence number; timestamp advancing by 160; SSRC; payload
const rtp = (seq: number, ssrc = '1a2b3c4d', first = '80'): Uint8Array =>
  hex(`
    ${first} 00                                 # V=2 P=0 X=0 CC=0 | M=0 PT=0 (PCMU)
    ${seq.toString(16).padStart(4, '0')}         # sequence number
    ${(seq * 160).toString(16).padStart(8, '0')} # timestamp
    ${ssrc}                                     # SSRC
    ${'ff'.repeat(160)}                         # 20 ms of µ-law silence
  `);

// RTP with a CSRC and a header extension (RFC 3550 §5.3.1), then padding (P) of 4 bytes
const RTP_EXT = hex(`
  b1 08 1234 00000100 1a2b3c4d   # V=2 P=1 X=1 CC=1 | PT=8 (PCMA)
  cafebabe                       # CSRC
  bede 0001 10ab0000             # extension: profile 0xBEDE, one word
  d5d5d5d5                       # payload
  00000004                       # padding, last byte = 4
`);

// RTCP compound: SR then SDES with a CNAME (ends exactly at the datagram's end)
const RTCP = hex(`
  80 c8 0006                     # V=2 RC=0 | PT=200 SR | length 6 (28 bytes)
  1a2b3c4d                       # sender SSRC
  e8a1b2c3 d4e5f600              # NTP timestamp
  00003200                       # RTP timestamp
  00000050 00003200              # sender's packet and octet counts
  81 ca 0003                     # V=2 SC=1 | PT=202 SDES | length 3 (16 bytes)
  1a2b3c4d                       # chunk: SSRC
  01 04 61626364                 # CNAME "abcd"
  00 00                          # end of items, padding to 32 bits
`);

// STUN Binding request / success response (RFC 5389)
const TID = '0102030405060708090a0b0c';
const BINDING = hex(`0001 0000 2112a442 ${TID}`);
const BINDING_OK = hex(`0101 000c 2112a442 ${TID} 0020 0008 0001 a147 e112a643`);

const udp = { transport: 'udp' as const, serverPort: 16384, clientPort: 16386 };

test('RTP: one SSRC with an advancing sequence number over three packets', () => {
  const r = identify([100, 101, 103].map((s) => ({ dir: 0 as const, payload: rtp(s) })), udp);
  assert.equal(r['protocol'], 'RTP');
  assert.equal(r['category'], 'Media');
  assert.equal(r['confidence'], 'dpi');
});

test('RTP: two packets each way, sequence numbers wrapping', () => {
  const r = identify(
    [
      { dir: 0, payload: rtp(0xffff) },
      { dir: 1, payload: rtp(7, '99887766') },
      { dir: 0, payload: rtp(0) },
      { dir: 1, payload: rtp(8, '99887766') },
    ],
    udp,
  );
  assert.equal(r['protocol'], 'RTP');
});

test('RTP must refuse: one packet, a changing SSRC, a sequence number that stands still or jumps', () => {
  assert.ok(notByDpi(identify([{ dir: 0, payload: rtp(1) }], udp), 'RTP'));
  assert.ok(notByDpi(identify([1, 2].map((s) => ({ dir: 0 as const, payload: rtp(s) })), udp), 'RTP'));
  const ssrcs = ['1a2b3c4d', '1a2b3c4e', '1a2b3c4f'];
  assert.ok(notByDpi(identify(ssrcs.map((x, i) => ({ dir: 0 as const, payload: rtp(i, x) })), udp), 'RTP'));
  assert.ok(notByDpi(identify([5, 5, 5].map((s) => ({ dir: 0 as const, payload: rtp(s) })), udp), 'RTP'));
  assert.ok(notByDpi(identify([5, 6, 5000].map((s) => ({ dir: 0 as const, payload: rtp(s) })), udp), 'RTP'));
  // SSRC 0 (a zeroed field, not a random identifier)
  assert.ok(notByDpi(identify([1, 2, 3].map((s) => ({ dir: 0 as const, payload: rtp(s, '00000000') })), udp), 'RTP'));
  // version 1
  assert.equal(rtpPayloadAt(rtp(1, '1a2b3c4d', '40'), 0, 172), -1);
});

test('RTP header: CSRCs, extension and padding', () => {
  assert.equal(rtpPayloadAt(RTP_EXT, 0, RTP_EXT.length), 12 + 4 + 8);
  // extension longer than the packet; padding longer than the packet
  assert.equal(rtpPayloadAt(RTP_EXT, 0, 22), -1);
  const pad = Uint8Array.from(RTP_EXT);
  pad[pad.length - 1] = 40;
  assert.equal(rtpPayloadAt(pad, 0, pad.length), -1);
});

test('RTCP: a compound datagram that walks to its end', () => {
  const r = identify([{ dir: 0, payload: RTCP }], { transport: 'udp', serverPort: 16385, clientPort: 16387 });
  assert.equal(r['protocol'], 'RTCP');
  assert.equal(r['category'], 'Media');
  assert.equal(readRtcp(RTCP, 0, RTCP.length), true);
});

test('RTCP must refuse: trailing bytes, a short length, a type out of range, an SR too small', () => {
  const trailing = new Uint8Array(RTCP.length + 4);
  trailing.set(RTCP);
  assert.equal(readRtcp(trailing, 0, trailing.length), false);
  assert.ok(notByDpi(identify([{ dir: 0, payload: trailing }], udp), 'RTCP'));
  assert.equal(readRtcp(RTCP, 0, RTCP.length - 4), false);
  const xr = Uint8Array.from(RTCP);
  xr[1] = 207;
  assert.equal(readRtcp(xr, 0, xr.length), false);
  // an SR claiming one report block (24 more bytes) it does not have
  const sr = Uint8Array.from(RTCP);
  sr[0] = 0x81;
  assert.equal(readRtcp(sr, 0, sr.length), false);
});

test('media after STUN: handed to RTP, the flow stays STUN', () => {
  const r = identify(
    [
      { dir: 0, payload: BINDING },
      { dir: 1, payload: BINDING_OK },
      ...[10, 11, 12, 13].map((s) => ({ dir: 0 as const, payload: rtp(s) })),
      { dir: 0, payload: RTCP },
    ],
    { transport: 'udp', serverPort: 3478 },
  );
  assert.equal(r['protocol'], 'STUN');
});

test('random datagrams starting with version 2 are not RTP', () => {
  const rnd = seededRandom(3550);
  for (let k = 0; k < 200; k++) {
    const pkts = [0, 1, 2, 3].map(() => {
      const b = Uint8Array.from({ length: 20 + Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256));
      b[0] = 0x80 | (b[0]! & 0x3f);
      return { dir: 0 as const, payload: b };
    });
    const r = identify(pkts, udp);
    assert.ok(notByDpi(r, 'RTP') && notByDpi(r, 'RTCP'));
  }
});

test('fuzz: mutated first payloads never throw', () => {
  fuzzFirstPayload(rtp(1), 'udp', 16384);
  fuzzFirstPayload(RTCP, 'udp', 16385);
  fuzzFirstPayload(RTP_EXT, 'udp', 16384);
});
