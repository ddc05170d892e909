import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';

const req = hex('00 d1  00 00  00 06  01  03  00 01 00 01'); // tid, protocol 0, length 6, unit 1, read holding registers
const rsp = hex('00 d1  00 00  00 05  01  03  02 00 00');

test('Modbus/TCP on 502, and off 502 once the answer matches', () => {
  const r = identify([{ dir: 0, payload: req }, { dir: 1, payload: rsp }], { transport: 'tcp', serverPort: 502 });
  assert.equal(r['protocol'], 'Modbus');
  assert.deepEqual(r['modbus'], { function_code: 3 });
  assert.equal(identify([{ dir: 0, payload: req }, { dir: 1, payload: rsp }], { transport: 'tcp', serverPort: 5020 })['protocol'], 'Modbus');
  const wrong = Uint8Array.from(rsp);
  wrong[1] = 0xd2;
  assert.equal(identify([{ dir: 0, payload: req }, { dir: 1, payload: wrong }], { transport: 'tcp', serverPort: 5020 })['modbus'], null);
});

test('Modbus: fuzz', () => {
  fuzz(req, 'tcp', 502);
});
