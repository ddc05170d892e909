import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

const ACCEPTOR = hex(`
  00 71 ce ac               # acceptor magic 0xACCE7100 (little endian)
  01 00 00 00               # acceptor version 1
  83 58 a8 c0 00 00 02 00   # target NID: 192.168.88.131@tcp
`);
const BAD = hex('de ad be ef 01 00 00 00 00 00 00 00 00 00 00 00');

test('Lustre: acceptor request', () => {
  const r = identify([{ dir: 0, payload: ACCEPTOR }], { transport: 'tcp', serverPort: 988 });
  assert.equal(r['protocol'], 'Lustre');
  assert.equal(r['confidence'], 'dpi');
});

test('Lustre: other bytes on 988 refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'tcp', serverPort: 988 });
  assert.ok(notByDpi(r, 'Lustre'));
  fuzz(ACCEPTOR, 'tcp', 988, 0);
});
