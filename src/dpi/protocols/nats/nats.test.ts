import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

test('NATS INFO then CONNECT', () => {
  const r = identify([
    { dir: 1, payload: 'INFO {"server_id":"abc","version":"2.10.4","max_payload":1048576}\r\n' },
    { dir: 0, payload: 'CONNECT {"verbose":false}\r\n' },
  ], { transport: 'tcp', serverPort: 4222 });
  assert.equal(r['protocol'], 'NATS');
  assert.deepEqual(r['nats'], { server_version: '2.10.4' });
});

test('NATS: INFO without JSON refused; fuzz', () => {
  assert.equal(identify([{ dir: 1, payload: 'INFO {not json\r\n' }], { transport: 'tcp', serverPort: 4223 })['nats'], null);
  fuzz(enc('INFO {"version":"2.0"}\r\n'), 'tcp', 4222, 1);
});
