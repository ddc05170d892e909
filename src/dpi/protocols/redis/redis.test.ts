import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

test('Redis RESP command', () => {
  const r = identify([{ dir: 0, payload: '*1\r\n$4\r\nPING\r\n' }], { transport: 'tcp', serverPort: 6379 });
  assert.equal(r['protocol'], 'Redis');
  assert.deepEqual(r['redis'], { command: 'PING' });
  assert.equal(identify([{ dir: 0, payload: '*1\r\n$5\r\nPING\r\n' }], { transport: 'tcp', serverPort: 6380 })['redis'], null);
  fuzz(enc('*2\r\n$3\r\nGET\r\n$1\r\nk\r\n'), 'tcp', 6379);
});
