import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';

const connect = hex(`
  10 10             # CONNECT, remaining length 16
  00 04 4d 51 54 54 # "MQTT"
  04 02 00 3c       # level 4, clean session, keep alive 60
  00 04 61 62 63 64 # client id "abcd"
`);

test('MQTT CONNECT', () => {
  const r = identify([{ dir: 0, payload: connect }], { transport: 'tcp', serverPort: 1883 });
  assert.equal(r['protocol'], 'MQTT');
  assert.deepEqual(r['mqtt'], { version: '3.1.1' });
  const bad = Uint8Array.from(connect);
  bad[8] = 9;
  assert.equal(identify([{ dir: 0, payload: bad }], { transport: 'tcp', serverPort: 1884 })['mqtt'], null);
  fuzz(connect, 'tcp', 1883);
});
