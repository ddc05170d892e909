import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, identify, notByDpi, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const V1 = cat(enc('ceph v027'), new Uint8Array(16));
const V2 = enc('ceph v2\n');
const BAD = enc('cephalopod\n');

test('Ceph: messenger v1 banner', () => {
  const r = identify([{ dir: 1, payload: V1 }], { transport: 'tcp', serverPort: 6789 });
  assert.equal(r['protocol'], 'Ceph');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['ceph'], { messenger: 'v1' });
});

test('Ceph: messenger v2 banner', () => {
  assert.deepEqual(identify([{ dir: 0, payload: V2 }], { transport: 'tcp', serverPort: 3300 })['protocol'], 'Ceph');
});

test('Ceph: other text refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'tcp', serverPort: 6789 });
  assert.ok(notByDpi(r, 'Ceph'));
  fuzz(V1, 'tcp', 6789, 1);
});
