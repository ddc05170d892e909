import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, identify, notByDpi, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const PROBE = enc('MGLNDD_192.0.2.1_1'); // "MGLNDD_" marker, target, counter
const BAD = enc('MGLNX_192.0.2.1_1');

test('RipeAtlas: measurement marker', () => {
  const r = identify([{ dir: 0, payload: PROBE }], { transport: 'udp', serverPort: 33000 });
  assert.equal(r['protocol'], 'RipeAtlas');
  assert.equal(r['confidence'], 'dpi');
});

test('RipeAtlas: other text refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 33000 });
  assert.ok(notByDpi(r, 'RipeAtlas'));
  fuzz(PROBE, 'udp', 33000, 0);
});
