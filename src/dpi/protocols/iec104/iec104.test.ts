import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';

test('IEC 104 STARTDT act and an I-format APDU', () => {
  const r = identify([
    { dir: 0, payload: hex('68 04 07 00 00 00') },   // U-format STARTDT act
    { dir: 1, payload: hex('68 04 0b 00 00 00') },   // STARTDT con
  ], { transport: 'tcp', serverPort: 2404 });
  assert.equal(r['protocol'], 'IEC60870-5-104');
  assert.deepEqual(r['iec104'], { first_apdu: 'U' });
  const i = identify([{ dir: 0, payload: hex('68 0e 00 00 00 00 64 01 06 00 01 00 00 00 00 14') }], { transport: 'tcp', serverPort: 2404 });
  assert.equal(i['protocol'], 'IEC60870-5-104');
});

test('IEC 104: U-format with two function bits refused; fuzz', () => {
  assert.equal(identify([{ dir: 0, payload: hex('68 04 0f 00 00 00') }], { transport: 'tcp', serverPort: 2404 })['iec104'], null);
  fuzz(hex('68 04 07 00 00 00'), 'tcp', 2404);
});
