import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

const HEARTBEAT = hex(`
  20            # version 1, no SEID
  01            # Heartbeat Request
  00 0c         # length 12
  00 00 01 00   # sequence number, spare
  00 60 00 04 5f 00 00 00   # Recovery Time Stamp IE
`);
const BAD = Uint8Array.from(HEARTBEAT);
BAD[1] = 0x32; // a session message (50) without its SEID flag

test('PFCP: heartbeat request', () => {
  const r = identify([{ dir: 0, payload: HEARTBEAT }], { transport: 'udp', serverPort: 8805 });
  assert.equal(r['protocol'], 'PFCP');
  assert.equal(r['confidence'], 'dpi');
});

test('PFCP: session message without SEID refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 8805 });
  assert.ok(notByDpi(r, 'PFCP'));
  fuzz(HEARTBEAT, 'udp', 8805, 0);
});
