import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

const MSG = hex(`
  52 54 50 53   # "RTPS"
  02 01         # protocol version 2.1
  01 0f         # vendor id
  c0 a8 7a 01 00 00 3a 4c 00 00 00 01   # GUID prefix
  09 01 08 00 00 00 00 00 00 00 00 00   # INFO_TS submessage
`);
const BAD = Uint8Array.from(MSG);
BAD[4] = 0x07; // protocol version 7

test('RTPS: message header', () => {
  const r = identify([{ dir: 0, payload: MSG }], { transport: 'udp', serverPort: 7400 });
  assert.equal(r['protocol'], 'RTPS');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['rtps'], { version: '2.1' });
});

test('RTPS: unknown major version refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 7400 });
  assert.ok(notByDpi(r, 'RTPS'));
  fuzz(MSG, 'udp', 7400, 0);
});
