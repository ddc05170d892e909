import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';

const get = hex(`
  30 26                 # SEQUENCE
  02 01 01              # version 2c
  04 06 70 75 62 6c 69 63   # community "public" (never output)
  a0 19                 # GetRequest
  02 04 12 34 56 78 02 01 00 02 01 00   # request id, error status, error index
  30 0b 30 09 06 05 2b 06 01 02 01 05 00   # varbinds
`);

test('SNMP v2c get: version and PDU, not the community', () => {
  const r = identify([{ dir: 0, payload: get }], { transport: 'udp', serverPort: 161 });
  assert.equal(r['protocol'], 'SNMP');
  assert.deepEqual(r['snmp'], { version: '2c', pdu: 'get-request' });
  assert.ok(!JSON.stringify(r).includes('public'));
});

test('SNMP: inconsistent length refused; fuzz', () => {
  assert.equal(identify([{ dir: 0, payload: get.subarray(0, 20) }], { transport: 'udp', serverPort: 161 })['snmp'], null);
  fuzz(get, 'udp', 161);
});
