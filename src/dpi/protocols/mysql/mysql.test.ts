import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const greeting = cat(hex('4a 00 00 00  0a'), enc('8.0.36\0'), hex(`
  0d 00 00 00                 # thread id
  3a 23 3b 5e 64 3e 2f 39     # auth data part 1
  00                          # filler
  ff ff ff 02 00 ff df 15 00 00 00 00 00 00 00 00 00 00 00 00 00 00
`), new Uint8Array(74 - 45));

test('MySQL server greeting', () => {
  const g = cat(hex((greeting.length - 4).toString(16).padStart(2, '0')), greeting.subarray(1));
  const r = identify([{ dir: 1, payload: g }], { transport: 'tcp', serverPort: 3306 });
  assert.equal(r['protocol'], 'MySQL');
  assert.deepEqual(r['mysql'], { server_version: '8.0.36' });
  fuzz(g, 'tcp', 3306, 1);
});
