import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const NEW = hex(`
  80 04       # F=1, source call number 4
  00 00       # R=0, destination call number 0
  00 00 00 01 # timestamp
  00          # OSeqno
  00          # ISeqno
  06          # frame type 6: IAX control
  01          # subclass 1: NEW
  0b 02 00 02 # IE 0x0b VERSION, length 2: 2
  06 03 61 62 63 # IE 0x06 USERNAME, length 3 (not output)
`);

test('IAX2 NEW names the flow', () => {
  const r = identify([{ dir: 0, payload: NEW }], { transport: 'udp', serverPort: 4569 });
  assert.equal(r['protocol'], 'IAX');
  assert.deepEqual(r['iax'], { first_subclass: 1 });
  // the callee's ACK is a full control frame without IEs
  const ack = hex('80 17 80 04 00 00 00 08 01 01 06 04');
  assert.equal(identify([{ dir: 1, payload: ack }], { transport: 'udp', serverPort: 4569, clientPort: 4566 })['protocol'], 'IAX');
});

test('IAX2 refuses IEs that overrun, bad types and call number 0', () => {
  const over = Uint8Array.from(NEW);
  over[13] = 9; // VERSION says 9 bytes
  assert.equal(identify([{ dir: 0, payload: over }], { transport: 'udp', serverPort: 4569 })['iax'], null);
  const t = Uint8Array.from(NEW);
  t[10] = 0x0d;
  assert.equal(identify([{ dir: 0, payload: t }], { transport: 'udp', serverPort: 4569 })['iax'], null);
  const z = Uint8Array.from(NEW);
  z[1] = 0;
  assert.equal(identify([{ dir: 0, payload: z }], { transport: 'udp', serverPort: 4569 })['iax'], null);
  fuzz(NEW, 'udp', 4569);
  void enc; void cat;
});
