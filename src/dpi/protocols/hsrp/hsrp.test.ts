import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

const HELLO = hex(`
  00            # version 0 (HSRPv1)
  00            # op code: hello
  10            # state: active
  03 0a         # hello time 3 s, hold time 10 s
  64            # priority 100
  01            # group 1
  00            # reserved
  63 69 73 63 6f 00 00 00   # authentication data (default)
  c0 00 02 01   # virtual IP address
`);
const BAD = Uint8Array.from(HELLO);
BAD[2] = 0x03; // state 3 does not exist

test('HSRP: v1 hello', () => {
  const r = identify([{ dir: 0, payload: HELLO }], { transport: 'udp', serverPort: 1985 });
  assert.equal(r['protocol'], 'HSRP');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['hsrp'], { version: 1 });
});

test('HSRP: unknown state refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 1985 });
  assert.ok(notByDpi(r, 'HSRP'));
  fuzz(HELLO, 'udp', 1985, 0);
});
