import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

const DATA = hex(`
  00 14         # packet size 20
  01            # version 1
  01            # packet type: data packet
  00            # extended header size
  00            # protocol flags
  00 00         # vendor code
  00 00 00 01   # session id
  00 00 00 02   # sequence number
  00 00 00 03   # timestamp
`);
const BAD = Uint8Array.from(DATA);
BAD[2] = 0x02; // version 2

test('CNP-IP: data packet header', () => {
  const r = identify([{ dir: 0, payload: DATA }], { transport: 'udp', serverPort: 1628 });
  assert.equal(r['protocol'], 'CNP-IP');
  assert.equal(r['confidence'], 'dpi');
});

test('CNP-IP: unknown version refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 1628 });
  assert.ok(notByDpi(r, 'CNP-IP'));
  fuzz(DATA, 'udp', 1628, 0);
});
