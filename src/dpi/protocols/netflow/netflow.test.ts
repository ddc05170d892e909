import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

const V5 = cat(hex(`
  00 05         # version 5
  00 01         # one record
  00 00 10 00   # sysUptime
  5f 00 00 00   # unix seconds
  00 00 00 00   # unix nanoseconds
  00 00 00 2a   # flow sequence
  00 00 00 00   # engine type, id, sampling
`), new Uint8Array(48)); // one 48-byte flow record
const V9 = hex(`
  00 09         # version 9
  00 01         # count
  00 00 10 00 5f 00 00 00 00 00 00 01 00 00 00 00   # uptime, seconds, sequence, source id
  00 00 00 0c   # template flowset, length 12
  01 00 00 01   # template 256, one field
  00 08 00 04   # IPV4_SRC_ADDR, 4 bytes
`);
const BAD = Uint8Array.from(V5);
BAD[3] = 0x02; // count 2, one record present

test('NetFlow: v5 export', () => {
  const r = identify([{ dir: 0, payload: V5 }], { transport: 'udp', serverPort: 2055 });
  assert.equal(r['protocol'], 'NetFlow');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['netflow'], { version: 5 });
});

test('NetFlow: v9 template flowset', () => {
  assert.deepEqual(identify([{ dir: 0, payload: V9 }], { transport: 'udp', serverPort: 2055 })['netflow'], { version: 9 });
});

test('NetFlow: count mismatch refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 2055 });
  assert.ok(notByDpi(r, 'NetFlow'));
  fuzz(V5, 'udp', 2055, 0);
});
