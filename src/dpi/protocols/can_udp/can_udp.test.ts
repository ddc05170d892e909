import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

const FRAME = hex(`
  49 53 4f 31 31 38 39 38   # "ISO11898"
  01                        # version 1
  02                        # message type
  00 01 00 00 01 23 08 11 22 33 44 55 66 77 88   # CAN frames (opaque here)
`);
const BAD = Uint8Array.from(FRAME);
BAD[8] = 0x07; // version 7

test('Controller_Area_Network: ISO11898 encapsulation', () => {
  const r = identify([{ dir: 0, payload: FRAME }], { transport: 'udp', serverPort: 25000 });
  assert.equal(r['protocol'], 'Controller_Area_Network');
  assert.equal(r['confidence'], 'dpi');
});

test('Controller_Area_Network: unknown version refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 25000 });
  assert.ok(notByDpi(r, 'Controller_Area_Network'));
  fuzz(FRAME, 'udp', 25000, 0);
});
