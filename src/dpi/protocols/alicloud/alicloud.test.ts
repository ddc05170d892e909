import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';
import { aliCloudHeader } from './index.js';

const HELLO = hex('cefabeba 80000000'); // magic 0xBABEFACE (little-endian), then 0x80: header only
const ANSWER = hex(`
  cefabeba    # magic
  10000000    # body length 16
  00112233445566778899aabbccddeeff
`);

test('AliCloud: the magic header names the flow, from either side', () => {
  const r = identify([{ dir: 0, payload: HELLO }, { dir: 1, payload: ANSWER }], { transport: 'tcp', serverPort: 8999 });
  assert.equal(r['application'], 'AliCloud');
  assert.equal(r['category'], 'Cloud');
  assert.equal(r['confidence'], 'dpi');
  assert.equal(identify([{ dir: 1, payload: ANSWER }], { transport: 'tcp', serverPort: 40000 })['application'], 'AliCloud');
});

test('AliCloud: other magics and inconsistent lengths are refused; fuzz', () => {
  assert.equal(aliCloudHeader(hex('cefabebb 80000000'), 0, 8), false);
  const bad = Uint8Array.from(ANSWER);
  bad[6] = 0x01; // length 0x10010: neither the body nor a small flag word
  assert.equal(aliCloudHeader(bad, 0, bad.length), false);
  assert.ok(notByDpi(identify([{ dir: 0, payload: bad }], { transport: 'tcp', serverPort: 8999 }), 'AliCloud'));
  fuzz(ANSWER, 'tcp', 8999, 1);
});
