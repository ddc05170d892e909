import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

const GET = hex(`
  44            # version 1, type CON, token length 4
  01            # code 0.01 GET
  12 34         # message id
  a1 b2 c3 d4   # token
  b4 74 65 73 74   # option 11 (Uri-Path), length 4: "test"
`);
const BAD = Uint8Array.from(GET);
BAD[1] = 0x61; // code 3.01: class 3 is reserved

test('CoAP: confirmable GET', () => {
  const r = identify([{ dir: 0, payload: GET }], { transport: 'udp', serverPort: 5683 });
  assert.equal(r['protocol'], 'CoAP');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['coap'], { type: 'CON' });
});

test('CoAP: reserved code class refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 5683 });
  assert.ok(notByDpi(r, 'CoAP'));
  fuzz(GET, 'udp', 5683, 0);
});
