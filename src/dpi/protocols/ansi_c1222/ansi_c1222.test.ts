import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

const MESSAGE = hex(`
  60 0c                 # ACSE PDU, length 12
  a2 04 06 02 7b 01     # [2] called AP title: relative OID
  be 04 28 02 81 00     # [30] user information
`);
const BAD = hex('60 0c 05 04 06 02 7b 01 be 04 28 02 81 00'); // 0x05 is no ACSE element

test('ANSI_C1222: ACSE PDU', () => {
  const r = identify([{ dir: 0, payload: MESSAGE }], { transport: 'udp', serverPort: 1153 });
  assert.equal(r['protocol'], 'ANSI_C1222');
  assert.equal(r['confidence'], 'dpi');
});

test('ANSI_C1222: unknown element refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 1153 });
  assert.ok(notByDpi(r, 'ANSI_C1222'));
  fuzz(MESSAGE, 'udp', 1153, 0);
});
