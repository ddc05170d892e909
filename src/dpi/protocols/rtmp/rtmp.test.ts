import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, type Exchange, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';
import { seededRandom } from '../../../test-support/prng.js';

// Handshake blocks built after the RTMP 1.0 specification §5.2.3–5.2.4: 4-byte time, 4 bytes
// (zero in the simple handshake), 1528 random bytes; C2/S2 echo the peer's block.

const randomBytes = (n: number, seed: number): Uint8Array => {
  const rnd = seededRandom(seed);
  return Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256));
};

const block = (time: number, second: Uint8Array, seed: number): Uint8Array =>
  cat(Uint8Array.of(time >>> 24, (time >>> 16) & 0xff, (time >>> 8) & 0xff, time & 0xff), second, randomBytes(1528, seed));

/** C2 or S2: the peer's time, the time it was read, the peer's random bytes */
const echo = (peer: Uint8Array, readAt: number): Uint8Array =>
  cat(peer.subarray(0, 4), Uint8Array.of(readAt >>> 24, (readAt >>> 16) & 0xff, (readAt >>> 8) & 0xff, readAt & 0xff), peer.subarray(8));

const ZERO4 = new Uint8Array(4);
const C1 = block(0, ZERO4, 1);
const S1 = block(0, ZERO4, 2);
const C0C1 = cat(Uint8Array.of(3), C1);
const S0S1S2 = cat(Uint8Array.of(3), S1, echo(C1, 12));
const C2 = echo(S1, 15);

/** chunk stream 3, type 0 header, AMF0 command "connect" (transaction 1, {app: "live"}) */
const amf = hex(`
  02 00 07 63 6f 6e 6e 65 63 74       # string "connect"
  00 3f f0 00 00 00 00 00 00          # number 1
  03 00 03 61 70 70 02 00 04 6c 69 76 65 00 00 09  # object { app: "live" }
`);
const CONNECT = cat(hex('03 000000'), Uint8Array.of(0, 0, amf.length), hex('14 00000000'), amf);

/** splits bytes into pieces of the given sizes (the last piece takes the rest) */
const pieces = (b: Uint8Array, sizes: number[], dir: 0 | 1): Exchange[] => {
  const out: Exchange[] = [];
  let at = 0;
  for (const n of sizes) {
    if (at >= b.length) break;
    out.push({ dir, payload: b.subarray(at, Math.min(b.length, at + n)) });
    at += n;
  }
  if (at < b.length) out.push({ dir, payload: b.subarray(at) });
  return out;
};

const opts = { transport: 'tcp' as const, serverPort: 1935 };

test('RTMP: simple handshake, C0+C1 and S0+S1+S2 in full-size segments', () => {
  const r = identify([...pieces(C0C1, [1460], 0), ...pieces(S0S1S2, [1460, 1460], 1), { dir: 0, payload: C2 }], opts);
  assert.equal(r['protocol'], 'RTMP');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['rtmp'], { version: 3 });
});

test('RTMP: on another port, C0 alone and C1 in 1- and 3-byte pieces', () => {
  const r = identify([...pieces(C0C1, [1, 1, 1, 3, 3, 3], 0), { dir: 1, payload: S0S1S2 }], { transport: 'tcp', serverPort: 19350 });
  assert.equal(r['protocol'], 'RTMP');
  assert.equal(r['confidence'], 'dpi');
});

test('RTMP: S0+S1 first, then S2 apart', () => {
  const r = identify([{ dir: 0, payload: C0C1 }, { dir: 1, payload: S0S1S2.subarray(0, 1537) }, { dir: 1, payload: S0S1S2.subarray(1537) }], opts);
  assert.equal(r['protocol'], 'RTMP');
});

test('RTMP: digest handshake (non-zero version bytes in C1), RTMPE (version 6)', () => {
  const flashC1 = block(123456, hex('09 00 7c 02'), 3);
  const serverS1 = block(4567, hex('03 05 01 01'), 4);
  const r = identify([{ dir: 0, payload: cat(Uint8Array.of(6), flashC1) }, { dir: 1, payload: cat(Uint8Array.of(6), serverS1, randomBytes(1536, 5)) }], opts);
  assert.equal(r['protocol'], 'RTMP');
  assert.deepEqual(r['rtmp'], { version: 6 });
  // a server that does not do RTMPE answers 3
  const down = identify([{ dir: 0, payload: cat(Uint8Array.of(6), flashC1) }, { dir: 1, payload: S0S1S2 }], opts);
  assert.deepEqual(down['rtmp'], { version: 3 });
});

test('RTMP: the capture starts with the server side (S0+S1+S2, then C2 and connect)', () => {
  const withSyn = identify([...pieces(S0S1S2, [1460, 1460], 1), { dir: 0, payload: cat(C2, CONNECT) }], opts);
  assert.equal(withSyn['protocol'], 'RTMP');
  assert.equal(withSyn['confidence'], 'dpi');
  const noSyn = identify([{ dir: 1, payload: S0S1S2 }, { dir: 0, payload: cat(C2, CONNECT) }], { ...opts, handshake: false });
  assert.equal(noSyn['protocol'], 'RTMP');
  assert.equal(noSyn['confidence'], 'dpi');
});

test('RTMP: only the client side captured: C0+C1, C2, then the connect command', () => {
  const r = identify([...pieces(C0C1, [1460], 0), { dir: 0, payload: C2 }, { dir: 0, payload: CONNECT }], { transport: 'tcp', serverPort: 8935 });
  assert.equal(r['protocol'], 'RTMP');
  assert.equal(r['confidence'], 'dpi');
  // and with a window acknowledgement size (protocol control, chunk stream 2) before it
  const control = hex('02 000000 000004 05 00000000 00 26 25 a0');
  assert.equal(identify([{ dir: 0, payload: C0C1 }, { dir: 0, payload: cat(C2, control, CONNECT) }], { transport: 'tcp', serverPort: 8935 })['protocol'], 'RTMP');
  // C2 followed by something that is not a chunk
  const junk = identify([{ dir: 0, payload: C0C1 }, { dir: 0, payload: cat(C2, utf8('GET / HTTP/1.1\r\n\r\n')) }], { transport: 'tcp', serverPort: 8935 });
  assert.ok(notByDpi(junk, 'RTMP'));
});

test('RTMP: look-alikes and broken handshakes are not RTMP', () => {
  const cases: Exchange[][] = [
    [{ dir: 0, payload: 'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n' }, { dir: 1, payload: 'HTTP/1.1 200 OK\r\n\r\n' }],
    [{ dir: 0, payload: hex('16 03 01 00 2f 01 00 00 2b 03 03') }],
    [{ dir: 0, payload: 'SSH-2.0-OpenSSH_9.6\r\n' }, { dir: 1, payload: 'SSH-2.0-OpenSSH_9.6\r\n' }],
    [{ dir: 0, payload: randomBytes(1537, 9) }, { dir: 1, payload: randomBytes(3073, 10) }],
    // TPKT (RDP connection request), which also starts with 03
    [{ dir: 0, payload: hex('03 00 00 13 0e e0 00 00 00 00 00 01 00 08 00 03 00 00 00') }, { dir: 1, payload: hex('03 00 00 13 0e d0 00 00 12 34 00 02 00 08 00 01 00 00 00') }],
    // truncated C1, no answer
    [{ dir: 0, payload: C0C1.subarray(0, 1000) }],
    // C0+C1 with no server answer at all
    [{ dir: 0, payload: C0C1 }],
    // C0+C1 answered by something that is not S0
    [{ dir: 0, payload: C0C1 }, { dir: 1, payload: cat(Uint8Array.of(0x16), randomBytes(1600, 11)) }],
    // C0+C1 answered by S0 and too little
    [{ dir: 0, payload: C0C1 }, { dir: 1, payload: S0S1S2.subarray(0, 700) }],
    // wrong version
    [{ dir: 0, payload: cat(Uint8Array.of(4), C1) }, { dir: 1, payload: cat(Uint8Array.of(4), S1, C1) }],
    // a 0x03 stream that never pauses where a handshake must
    [{ dir: 0, payload: C0C1.subarray(0, 1400) }, { dir: 0, payload: randomBytes(1400, 12) }, { dir: 0, payload: randomBytes(1400, 13) }, { dir: 1, payload: S0S1S2 }],
    // C1 one byte short
    [{ dir: 0, payload: C0C1.subarray(0, 1536) }, { dir: 1, payload: hex('15 03 03 00 02 02 28') }],
  ];
  for (const [i, c] of cases.entries()) assert.ok(notByDpi(identify(c, opts), 'RTMP'), `case ${i}`);
});

test('RTMP: fuzzed first payloads', () => {
  fuzz(C0C1, 'tcp', 1935);
  fuzz(S0S1S2, 'tcp', 1935, 1, 60);
});
