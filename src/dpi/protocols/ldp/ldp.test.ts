import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';

const hello = hex(`
  00 01 00 1e   # version 1, PDU length 30
  0a 00 00 01 00 00   # LSR id, label space
  01 00 00 14   # Hello, length 20
  00 00 00 01   # message id
  04 00 00 04 00 0f 00 00   # common hello parameters TLV
  04 01 00 04 0a 00 00 01   # IPv4 transport address TLV
`);

test('LDP Hello over UDP', () => {
  const r = identify([{ dir: 0, payload: hello }], { transport: 'udp', serverPort: 646 });
  assert.equal(r['protocol'], 'LDP');
  assert.deepEqual(r['ldp'], { first_message: 'Hello' });
});

test('LDP: version 2 refused; fuzz', () => {
  const bad = Uint8Array.from(hello);
  bad[1] = 2;
  assert.equal(identify([{ dir: 0, payload: bad }], { transport: 'udp', serverPort: 646 })['ldp'], null);
  fuzz(hello, 'udp', 646);
});
