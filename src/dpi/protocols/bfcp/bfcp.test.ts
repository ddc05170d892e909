import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const RELEASE = hex(`
  20         # Ver 1, R 0, F 0, reserved 0
  02         # Primitive 2: FloorRelease
  00 01      # Payload Length: 1 word
  00 00 00 07 # Conference ID
  00 02      # Transaction ID
  05 04      # User ID
  02 04 00 03 # FLOOR-REQUEST-ID attribute: 3
`);
const STATUS = Uint8Array.from(RELEASE);
STATUS[1] = 4; // FloorRequestStatus, same conference, transaction and user ids

test('BFCP: a transaction answered with the same ids', () => {
  const r = identify([{ dir: 0, payload: RELEASE }, { dir: 1, payload: STATUS }], { transport: 'tcp', serverPort: 5070 });
  assert.equal(r['protocol'], 'BFCP');
  assert.deepEqual(r['bfcp'], { primitive: 2 });
  assert.equal(identify([{ dir: 0, payload: RELEASE }, { dir: 1, payload: STATUS }], { transport: 'udp', serverPort: 5070 })['protocol'], 'BFCP');
});

test('BFCP refuses unanswered messages, other transactions and bad headers', () => {
  assert.equal(identify([{ dir: 0, payload: RELEASE }], { transport: 'udp', serverPort: 5070 })['bfcp'], null);
  const other = Uint8Array.from(STATUS);
  other[9] = 9; // another transaction
  assert.equal(identify([{ dir: 0, payload: RELEASE }, { dir: 1, payload: other }], { transport: 'udp', serverPort: 5070 })['bfcp'], null);
  const v3 = Uint8Array.from(RELEASE);
  v3[0] = 0x60; // version 3
  assert.equal(identify([{ dir: 0, payload: v3 }, { dir: 1, payload: STATUS }], { transport: 'udp', serverPort: 5070 })['bfcp'], null);
  fuzz(RELEASE, 'udp', 5070);
  void enc; void cat;
});
