import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

const REQUEST = cat(hex(`
  01            # code: Access-Request
  07            # identifier
  00 1a         # length 26
`), new Uint8Array(16).fill(0x5a), hex(`
  04 06 c0 00 02 01   # NAS-IP-Address attribute
`));
const BAD = Uint8Array.from(REQUEST);
BAD[21] = 0x01; // attribute length 1 (< 2)

test('RADIUS: Access-Request', () => {
  const r = identify([{ dir: 0, payload: REQUEST }], { transport: 'udp', serverPort: 1812 });
  assert.equal(r['protocol'], 'RADIUS');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['radius'], { code: 'access_request' });
});

test('RADIUS: attribute length below 2 refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 1812 });
  assert.ok(notByDpi(r, 'RADIUS'));
  fuzz(REQUEST, 'udp', 1812, 0);
});
