import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, hexBytes as hex, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';
import { mutate, seededRandom } from '../../../test-support/prng.js';
import { helloServerName, helloType } from './index.js';

const NAME = '192-0-2-1.edge.agora.io';
const CLIENT_HELLO = cat(
  hex(`
    005a     # packet counter
    384c     # sender's connection word
    0000     # zero
    21 00    # client hello
    00000000 # peer: none yet
    04       # (list byte)
    534e4900 # tag 'SNI\\0'
  `),
  Uint8Array.of(NAME.length, 0), // value length, little-endian
  enc(NAME),
  enc('PDMD'), hex('0000'), // an empty tagged value
  new Uint8Array(40).fill(0x5a), // the rest of the hello
);
const SERVER_HELLO = cat(hex('006a 2e07 0000 23 00 005a384c 04'), enc('PEID'), hex('0400 01001c00'), new Uint8Array(40).fill(0x33));

test('SD-RTN client hello names the edge server', () => {
  const r = identify([{ dir: 0, payload: CLIENT_HELLO }, { dir: 1, payload: SERVER_HELLO }], { transport: 'udp', serverPort: 8130 });
  assert.equal(r['protocol'], 'SD-RTN');
  assert.equal(r['hostname'], NAME);
  assert.equal(helloType(SERVER_HELLO, 0, SERVER_HELLO.length), 0x23);
  assert.equal(helloServerName(CLIENT_HELLO, 0, CLIENT_HELLO.length), NAME);
});

test('SD-RTN refuses non-zero fixed bytes, lower-case tags and overlong values', () => {
  const nz = Uint8Array.from(CLIENT_HELLO);
  nz[5] = 1;
  assert.equal(helloType(nz, 0, nz.length), 0);
  const tag = Uint8Array.from(CLIENT_HELLO);
  tag[13] = 0x73; // 's'
  assert.equal(helloType(tag, 0, tag.length), 0);
  const long = Uint8Array.from(CLIENT_HELLO);
  long[18] = 0x7f;
  assert.equal(helloType(long, 0, long.length), 0);
  assert.notEqual(identify([{ dir: 0, payload: nz }], { transport: 'udp', serverPort: 8130 })['confidence'], 'dpi');
});

test('SD-RTN fuzz: mutated hellos never throw', () => {
  const rnd = seededRandom(8130);
  for (let k = 0; k < 2000; k++) {
    const m = mutate(CLIENT_HELLO, rnd);
    if (helloType(m, 0, m.length) !== 0) helloServerName(m, 0, m.length);
  }
  for (let k = 0; k < 60; k++) identify([{ dir: 0, payload: mutate(CLIENT_HELLO, rnd) }, { dir: 1, payload: mutate(SERVER_HELLO, rnd) }], { transport: 'udp', serverPort: 8130 });
});
