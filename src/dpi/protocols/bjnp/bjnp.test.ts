import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

// a discovery request: magic, device type, command, error, sequence, session, payload length
const DISCOVER = hex(`
  42 4a 4e 50   # "BJNP"
  01            # device type: printer command
  01            # command: discover
  00 00         # error code
  00 05         # sequence number
  00 00         # session id
  00 00 00 00   # payload length: none
`);
const BAD = Uint8Array.from(DISCOVER);
BAD[4] = 0x05; // device type 5 does not exist

test('BJNP: printer discovery request', () => {
  const r = identify([{ dir: 0, payload: DISCOVER }], { transport: 'udp', serverPort: 8612 });
  assert.equal(r['protocol'], 'BJNP');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['bjnp'], { device: 'printer' });
});

test('BJNP: unknown device type refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 8612 });
  assert.ok(notByDpi(r, 'BJNP'));
  fuzz(DISCOVER, 'udp', 8612, 0);
});
