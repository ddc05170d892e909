import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const REQUEST = cat(hex(`
  02 00 00 00   # two tags
  40 00 00 00   # offset of the second value: 64
  4e 4f 4e 43   # NONC
  50 41 44 ff   # PAD\xff
`), new Uint8Array(64).fill(0x11), new Uint8Array(32)); // nonce, padding
const BAD = Uint8Array.from(REQUEST);
BAD.set(enc('ABCDEFGH'), 8); // unknown tags

test('Roughtime: request with nonce and padding', () => {
  const r = identify([{ dir: 0, payload: REQUEST }], { transport: 'udp', serverPort: 2002 });
  assert.equal(r['protocol'], 'Roughtime');
  assert.equal(r['confidence'], 'dpi');
});

test('Roughtime: unknown tags refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 2002 });
  assert.ok(notByDpi(r, 'Roughtime'));
  fuzz(REQUEST, 'udp', 2002, 0);
});
