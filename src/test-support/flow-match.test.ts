import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressReadings, canonicalAddress, flowKey } from './flow-match.js';

test('addresses compare in canonical form', () => {
  assert.equal(canonicalAddress('2001:DB8:0:0::1'), '2001:db8:0:0:0:0:0:1');
  assert.equal(canonicalAddress('::ffff:192.0.2.1'), '0:0:0:0:0:ffff:c000:201');
  assert.equal(canonicalAddress('10.0.0.1'), '10.0.0.1');
  assert.equal(flowKey(6, null, '10.0.0.1', 1, '10.0.0.2', 2), flowKey(6, null, '10.0.0.2', 2, '10.0.0.1', 1));
});

test("nDPI's doubly compressed IPv6 text expands to every address it may stand for", () => {
  assert.deepEqual(addressReadings('2600:1900:4160:5999::19::'), [
    '2600:1900:4160:5999:0:19:0:0',
    '2600:1900:4160:5999:0:0:19:0',
  ]);
  assert.deepEqual(addressReadings('2001:db8::1'), ['2001:db8:0:0:0:0:0:1']);
});
