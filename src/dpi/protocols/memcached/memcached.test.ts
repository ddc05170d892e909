import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

test('memcached text and binary commands', () => {
  assert.deepEqual(identify([{ dir: 0, payload: 'stats\r\n' }], { transport: 'tcp', serverPort: 11211 })['memcached'], { command: 'stats' });
  assert.deepEqual(identify([{ dir: 0, payload: 'set k 0 60 5\r\nhello\r\n' }], { transport: 'tcp', serverPort: 11211 })['memcached'], { command: 'set' });
  const bin = hex('80 00 00 03 00 00 00 00 00 00 00 03 00 00 00 01 00 00 00 00 00 00 00 00 6b 65 79'); // GET "key"
  assert.deepEqual(identify([{ dir: 0, payload: bin }], { transport: 'tcp', serverPort: 11211 })['memcached'], { command: 'binary' });
});

test('memcached: malformed commands refused; fuzz', () => {
  assert.equal(identify([{ dir: 0, payload: 'set k zero\r\n' }], { transport: 'tcp', serverPort: 11212 })['memcached'], null);
  fuzz(enc('get foo bar\r\n'), 'tcp', 11211);
});
