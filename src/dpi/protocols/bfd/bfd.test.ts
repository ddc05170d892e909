import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';

const ctl = hex(`
  20            # version 1, diag 0
  c0            # state Up, no flags
  03 18         # detect mult 3, length 24
  00 00 00 01   # my discriminator
  00 00 00 02   # your discriminator
  00 0f 42 40 00 0f 42 40 00 00 00 00   # intervals
`);

test('BFD control packet', () => {
  const r = identify([{ dir: 0, payload: ctl }], { transport: 'udp', serverPort: 3784 });
  assert.equal(r['protocol'], 'BFD');
  assert.deepEqual(r['bfd'], { state: 'Up' });
});

test('BFD: zero discriminator refused; fuzz', () => {
  const bad = Uint8Array.from(ctl);
  bad[7] = 0;
  assert.equal(identify([{ dir: 0, payload: bad }], { transport: 'udp', serverPort: 3784 })['bfd'], null);
  fuzz(ctl, 'udp', 3784);
});
