import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';

const opMsg = hex(`
  2a 00 00 00   # messageLength 42
  01 00 00 00   # requestID
  00 00 00 00   # responseTo
  dd 07 00 00   # opCode 2013 OP_MSG
  00 00 00 00   # flagBits
  00            # section kind 0 (body)
  15 00 00 00 10 69 73 6d 61 73 74 65 72 00 01 00 00 00 00   # {ismaster: 1}
`);

test('MongoDB OP_MSG', () => {
  const r = identify([{ dir: 0, payload: opMsg }], { transport: 'tcp', serverPort: 27017 });
  assert.equal(r['protocol'], 'MongoDB');
  assert.deepEqual(r['mongodb'], { first_opcode: 'OP_MSG' });
});

test('MongoDB: a reply from the client or reserved flags refused; fuzz', () => {
  const bad = Uint8Array.from(opMsg);
  bad[17] = 0x01;
  assert.equal(identify([{ dir: 0, payload: bad }], { transport: 'tcp', serverPort: 27018 })['mongodb'], null);
  fuzz(opMsg, 'tcp', 27017);
});
