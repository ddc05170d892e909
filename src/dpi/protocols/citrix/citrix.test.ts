import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const DETECT = hex('7f 7f 49 43 41 00'); // 0x7F 0x7F "ICA" NUL

test('Citrix ICA detect string and CGP', () => {
  const r = identify([{ dir: 1, payload: DETECT }, { dir: 0, payload: DETECT }], { transport: 'tcp', serverPort: 1494 });
  assert.equal(r['application'], 'Citrix');
  assert.deepEqual(r['citrix'], { transport: 'ICA' });
  const cgp = cat(hex('1a'), enc('CGP/01'), hex('00 00'));
  assert.deepEqual(identify([{ dir: 0, payload: cgp }], { transport: 'tcp', serverPort: 2598 })['citrix'], { transport: 'CGP' });
});

test('Citrix refuses near misses', () => {
  assert.equal(identify([{ dir: 0, payload: hex('7f 7f 49 43 42 00') }], { transport: 'tcp', serverPort: 1494 })['citrix'], null);
  assert.equal(identify([{ dir: 0, payload: cat(hex('1a'), enc('CGP/02')) }], { transport: 'tcp', serverPort: 2598 })['citrix'], null);
  fuzz(DETECT, 'tcp', 1494);
});
