import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

// a link-layer header: 05 64, length, control, destination, source, CRC (computed by the test)
import { crcDnp } from './index.js';
const frame = (): Uint8Array => {
  const h = hex('05 64 05 c0 01 00 00 04 00 00');
  const c = crcDnp(h, 0, 8);
  h[8] = c & 0xff;
  h[9] = c >> 8;
  return h;
};

test('DNP3 frame with a valid header CRC', () => {
  // reference value: CRC-16/DNP of "123456789" is 0xEA82
  assert.equal(crcDnp(enc('123456789'), 0, 9), 0xea82);
  const r = identify([{ dir: 0, payload: frame() }], { transport: 'tcp', serverPort: 20000 });
  assert.equal(r['protocol'], 'DNP3');
  assert.deepEqual(r['dnp3'], { direction: 'master' });
});

test('DNP3: wrong CRC refused; fuzz', () => {
  const bad = frame();
  bad[9] = bad[9]! ^ 1;
  assert.equal(identify([{ dir: 0, payload: bad }], { transport: 'tcp', serverPort: 20001 })['dnp3'], null);
  fuzz(frame(), 'tcp', 20000);
});
