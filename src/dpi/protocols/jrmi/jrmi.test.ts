import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const HEADER = hex(`
  4a 52 4d 49 # 'JRMI'
  00 02       # version 2
  4b          # StreamProtocol
`);

test('Java RMI header names the flow', () => {
  const ack = cat(hex('4e 00 09'), enc('127.0.0.1'), hex('00 00 86 92')); // ProtocolAck, host, port
  const r = identify([{ dir: 0, payload: HEADER }, { dir: 1, payload: ack }], { transport: 'tcp', serverPort: 1099 });
  assert.equal(r['protocol'], 'JRMI');
  assert.deepEqual(r['jrmi'], { protocol: 'stream' });
});

test('Java RMI refuses other versions and protocols', () => {
  assert.equal(identify([{ dir: 0, payload: hex('4a 52 4d 49 00 03 4b') }], { transport: 'tcp', serverPort: 1099 })['jrmi'], null);
  assert.equal(identify([{ dir: 0, payload: hex('4a 52 4d 49 00 02 4e') }], { transport: 'tcp', serverPort: 1099 })['jrmi'], null);
  assert.equal(identify([{ dir: 0, payload: enc('JRMIX') }], { transport: 'tcp', serverPort: 1099 })['jrmi'], null);
  fuzz(HEADER, 'tcp', 1099);
});
