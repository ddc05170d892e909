import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';

test('AMQP protocol headers', () => {
  assert.deepEqual(identify([{ dir: 0, payload: hex('41 4d 51 50 00 00 09 01') }], { transport: 'tcp', serverPort: 5672 })['amqp'], { version: '0-9-1' });
  assert.deepEqual(identify([{ dir: 0, payload: hex('41 4d 51 50 03 01 00 00') }], { transport: 'tcp', serverPort: 5672 })['amqp'], { version: '1.0-sasl' });
  assert.equal(identify([{ dir: 0, payload: hex('41 4d 51 50 07 07 07 07') }], { transport: 'tcp', serverPort: 5673 })['amqp'], null);
  fuzz(hex('41 4d 51 50 00 00 09 01'), 'tcp', 5672);
});
