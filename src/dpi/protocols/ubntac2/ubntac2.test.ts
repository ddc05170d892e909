import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

const REPLY = hex(`
  02          # version 2
  06          # command
  00 0b       # payload length 11
  0a 00 04 00 00 de 60   # TLV 0x0a (uptime), length 4
  0b 00 01 41            # TLV 0x0b, length 1
`);
const REQUEST = hex('01 00 00 00'); // version 1 discovery request: empty
const BAD = hex('02 06 00 20 0a 00 04 00 00 de 60'); // length says 32, 7 follow

test('UBNTAC2: version 2 reply TLVs', () => {
  const r = identify([{ dir: 1, payload: REPLY }], { transport: 'udp', serverPort: 10001 });
  assert.equal(r['protocol'], 'UBNTAC2');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['ubntac2'], { version: 2 });
});

test('UBNTAC2: version 1 request', () => {
  assert.deepEqual(identify([{ dir: 0, payload: REQUEST }], { transport: 'udp', serverPort: 10001 })['ubntac2'], { version: 1 });
});

test('UBNTAC2: length mismatch refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 10001 });
  assert.ok(notByDpi(r, 'UBNTAC2'));
  fuzz(REPLY, 'udp', 10001, 1);
});
