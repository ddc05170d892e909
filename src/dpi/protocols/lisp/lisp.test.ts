import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

const REGISTER = cat(hex(`
  30 00 00 01               # type 3 (Map-Register), flags, record count 1
  00 00 00 00 00 00 00 07   # nonce
  00 01                     # key id 1 (HMAC-SHA-1-96)
  00 14                     # authentication data length 20
`), new Uint8Array(20).fill(0xaa), hex('00 00 05 a0 01 20 10 00 00 00 00 01 0a 00 00 02'));
const BAD = Uint8Array.from(REGISTER);
BAD[0] = 0x90; // type 9 is not a control message

test('LISP: Map-Register', () => {
  const r = identify([{ dir: 0, payload: REGISTER }], { transport: 'udp', serverPort: 4342 });
  assert.equal(r['protocol'], 'LISP');
  assert.equal(r['confidence'], 'dpi');
});

test('LISP: reliable transport over TCP', () => {
  const msg = hex(`
    00 11         # type 17 (Map-Register over reliable transport)
    00 0c         # length 12
    00 00 00 00   # message id
    30 00 00 00   # start of the embedded Map-Register
  `);
  assert.equal(identify([{ dir: 0, payload: msg }], { transport: 'tcp', serverPort: 4342 })['protocol'], 'LISP');
});

test('LISP: unknown message type refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 4342 });
  assert.ok(notByDpi(r, 'LISP'));
  fuzz(REGISTER, 'udp', 4342, 0);
});
