import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const SCCRQ = cat(hex(`
  00 9c       # length 156
  00 01       # PPTP message type 1: control
  1a 2b 3c 4d # magic cookie
  00 01       # control message type 1: Start-Control-Connection-Request
  00 00       # reserved0
  01 00       # protocol version 1.0
  00 00       # reserved1
  00 00 00 03 # framing capabilities
  00 00 00 03 # bearer capabilities
  ff ff       # maximum channels
  00 01       # firmware revision
`), new Uint8Array(128)); // host name and vendor string (64 bytes each, not output)

test('PPTP Start-Control-Connection-Request names the flow', () => {
  assert.equal(SCCRQ.length, 156);
  const r = identify([{ dir: 0, payload: SCCRQ }], { transport: 'tcp', serverPort: 1723 });
  assert.equal(r['protocol'], 'PPTP');
  assert.deepEqual(r['pptp'], { first_message: 1 });
});

test('PPTP refuses a wrong cookie, length or message type', () => {
  for (const [i, v] of [[7, 0x4e], [1, 0x9d], [9, 16], [3, 3]] as const) {
    const m = Uint8Array.from(SCCRQ);
    m[i] = v;
    assert.equal(identify([{ dir: 0, payload: m }], { transport: 'tcp', serverPort: 1723 })['pptp'], null, `byte ${i}`);
  }
  fuzz(SCCRQ, 'tcp', 1723);
  void enc;
});
