import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

test('NoMachine: the NXSH and NXD banners', () => {
  const r = identify([{ dir: 0, payload: 'NXSH-8.10.1\n' }, { dir: 1, payload: 'NXD-8.10.1\n' }], { transport: 'tcp', serverPort: 4000 });
  assert.equal(r['application'], 'NoMachine');
  assert.deepEqual(r['nomachine'], { version: '8.10.1' });
  assert.equal(hex('4e 58 53 48 2d')[0], 0x4e); // 'NXSH-'
});

test('NoMachine refuses other banners and a client NXD', () => {
  assert.equal(identify([{ dir: 0, payload: 'NXSH-latest\n' }], { transport: 'tcp', serverPort: 4000 })['nomachine'], null);
  assert.equal(identify([{ dir: 0, payload: 'NXD-8.10.1\n' }], { transport: 'tcp', serverPort: 4000 })['nomachine'], null);
  assert.equal(identify([{ dir: 0, payload: 'NXSH-8.10.1 extra\n' }], { transport: 'tcp', serverPort: 4000 })['nomachine'], null);
  fuzz(enc('NXSH-8.10.1\n'), 'tcp', 4000);
  void cat;
});
