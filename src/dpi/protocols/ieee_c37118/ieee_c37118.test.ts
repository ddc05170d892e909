import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

import { crcCcitt } from './index.js';
const withCrc = (body: Uint8Array): Uint8Array => {
  const c = crcCcitt(body, 0, body.length);
  return cat(body, Uint8Array.of(c >> 8, c & 0xff));
};
const COMMAND = withCrc(hex(`
  aa 41         # SYNC: frame type 4 (command), version 1
  00 12         # frame size 18
  00 01         # IDCODE
  5f 00 00 00   # SOC
  00 00 00 00   # FRACSEC
  00 05         # command 5: send config-2
`));
const BAD = Uint8Array.from(COMMAND);
BAD[17] = BAD[17]! ^ 0xff; // broken CRC

test('IEEE-C37118: command frame with its CRC', () => {
  const r = identify([{ dir: 0, payload: COMMAND }], { transport: 'tcp', serverPort: 4712 });
  assert.equal(r['protocol'], 'IEEE-C37118');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['ieee_c37118'], { frame: 'command' });
});

test('IEEE-C37118: CRC-CCITT reference value', () => {
  // CRC-16/CCITT-FALSE of "123456789" is 0x29B1
  assert.equal(crcCcitt(enc('123456789'), 0, 9), 0x29b1);
});

test('IEEE-C37118: bad CRC refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'tcp', serverPort: 4712 });
  assert.ok(notByDpi(r, 'IEEE-C37118'));
  fuzz(COMMAND, 'tcp', 4712, 0);
});
