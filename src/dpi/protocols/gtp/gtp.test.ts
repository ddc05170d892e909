import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

const ECHO = hex(`
  40            # version 2, no piggybacking, no TEID
  01            # Echo Request
  00 09         # length 9 (after the first 4 bytes)
  00 00 01 00   # sequence number, spare
  03 00 01 00 05   # Recovery IE: type 3, length 1, instance 0, value 5
`);
// GTPv1 flags E/S/PN set but length 0: no room for their 4 bytes
const BAD = hex('37 03 00 00 42 00 00 00');

test('GTP_C: GTPv2-C echo request', () => {
  const r = identify([{ dir: 0, payload: ECHO }], { transport: 'udp', serverPort: 2123 });
  assert.equal(r['protocol'], 'GTP_C');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['gtp'], { version: 2 });
});

test('GTP_C: inconsistent GTPv1 header refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 2123 });
  assert.ok(notByDpi(r, 'GTP_C'));
  fuzz(ECHO, 'udp', 2123, 0);
});
