import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const HELLO = cat(hex(`
  e3          # eDonkey protocol
  24 00 00 00 # size 36 (opcode and body), little endian
  01          # opcode Hello
  10          # user hash size 16
`), new Uint8Array(16).fill(0x5a), hex(`
  00 00 00 00 # client id
  36 12       # port 4662
  01 00 00 00 # one tag
  03 01 00 11 3c 00 00 00 # tag: version 60
`));

test('eDonkey Hello names the flow', () => {
  assert.equal(HELLO.length, 41);
  const r = identify([{ dir: 0, payload: HELLO }], { transport: 'tcp', serverPort: 4662 });
  assert.equal(r['protocol'], 'eDonkey');
  assert.deepEqual(r['edonkey'], { first_opcode: 1 });
});

test('eDonkey: other messages need a valid header back', () => {
  const req = hex('c5 05 00 00 00 60 01 02 03 04'); // eMule extension, opcode 0x60, 4 body bytes
  const ans = hex('e3 01 00 00 00 38'); // opcode 0x38, no body
  assert.equal(identify([{ dir: 0, payload: req }, { dir: 1, payload: ans }], { transport: 'tcp', serverPort: 7551 })['protocol'], 'eDonkey');
  assert.equal(identify([{ dir: 0, payload: req }], { transport: 'tcp', serverPort: 7551 })['protocol'], null);
});

test('eDonkey refuses size mismatches and other protocol bytes', () => {
  const m = Uint8Array.from(HELLO);
  m[1] = 0x30; // size past the message, then nothing follows
  assert.equal(identify([{ dir: 0, payload: cat(m, hex('00')) }], { transport: 'tcp', serverPort: 4662 })['edonkey'], null);
  assert.equal(identify([{ dir: 0, payload: cat(HELLO, hex('17 00')) }], { transport: 'tcp', serverPort: 4662 })['edonkey'], null);
  fuzz(HELLO, 'tcp', 4662);
  void enc;
});
