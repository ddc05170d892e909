import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

const INITIALIZE = hex(`
  48 53                     # prologue "HS"
  00                        # message type: Initialize
  00                        # control code
  01 00 00 01               # parameter: protocol version 1.0, vendor id
  00 00 00 00 00 00 00 07   # payload length 7
  68 69 73 6c 69 70 30      # "hislip0" (sub-address)
`);
const BAD = Uint8Array.from(INITIALIZE);
BAD[2] = 40; // message type 40: not defined (128+ are vendor specific)

test('HiSLIP: Initialize', () => {
  const r = identify([{ dir: 0, payload: INITIALIZE }], { transport: 'tcp', serverPort: 4880 });
  assert.equal(r['protocol'], 'HiSLIP');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['hislip'], { message: 'Initialize' });
});

test('HiSLIP: undefined message type refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'tcp', serverPort: 4880 });
  assert.ok(notByDpi(r, 'HiSLIP'));
  fuzz(INITIALIZE, 'tcp', 4880, 0);
});
