import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

const REQUEST = hex(`
  00   # version 0
  00   # opcode 0: external address request (2 bytes in all)
`);
const RESPONSE = hex(`
  00            # version 0
  80            # opcode 128: external address response
  00 00         # result: success
  00 00 1c 20   # seconds since start of epoch
  c6 33 64 01   # external address
`);
const BAD = hex('00 05 00 00'); // opcode 5 does not exist

test('NAT-PMP: external address request and response', () => {
  const r = identify([{ dir: 0, payload: REQUEST }, { dir: 1, payload: RESPONSE }], { transport: 'udp', serverPort: 5351 });
  assert.equal(r['protocol'], 'NAT-PMP');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['nat_pmp'], { opcode: 'external_address' });
});

test('NAT-PMP: unknown opcode refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 5351 });
  assert.ok(notByDpi(r, 'NAT-PMP'));
  fuzz(REQUEST, 'udp', 5351, 0);
});
