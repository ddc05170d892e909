import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';

const handshake = cat(hex(`
  01 21 01 01 01 01 01 01   # Levin signature
  06 01 00 00 00 00 00 00   # body size 262
  01                        # have to return
  e9 03 00 00               # command 1001 (handshake)
  00 00 00 00               # return code
  01 00 00 00               # flags: request
  01 00 00 00               # protocol version 1
`), new Uint8Array(16));

test('Monero Levin handshake', () => {
  const r = identify([{ dir: 0, payload: handshake }], { transport: 'tcp', serverPort: 18080 });
  assert.equal(r['protocol'], 'Monero');
  assert.deepEqual(r['monero'], { command: 1001 });
});

test('Monero: bad signature refused; fuzz', () => {
  const bad = Uint8Array.from(handshake);
  bad[1] = 0x22;
  assert.equal(identify([{ dir: 0, payload: bad }], { transport: 'tcp', serverPort: 18081 })['monero'], null);
  fuzz(handshake, 'tcp', 18080);
});
