import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

const WRAPPED = hex(`
  00 01   # wrapper version 1
  00 10   # source wPort (client)
  00 01   # destination wPort (management logical device)
  00 0d   # length of the APDU: 13
  c0 01 c1 00 08 00 00 01 00 00 ff 02 00   # get-request-normal (COSEM)
`);
const HDLC = hex(`
  7e          # flag
  a0 07       # frame format type 3, length 7
  03 21       # destination, source address
  93          # control: SNRM
  12 34       # header check sequence
  7e          # flag
`);
const BAD = Uint8Array.from(WRAPPED);
BAD[1] = 0x02; // wrapper version 2

test('IEC62056: TCP-UDP wrapper', () => {
  const r = identify([{ dir: 0, payload: WRAPPED }], { transport: 'tcp', serverPort: 4059 });
  assert.equal(r['protocol'], 'IEC62056');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['iec62056'], { framing: 'wrapper' });
});

test('IEC62056: HDLC frame over UDP', () => {
  const r = identify([{ dir: 0, payload: HDLC }], { transport: 'udp', serverPort: 4059 });
  assert.deepEqual(r['iec62056'], { framing: 'hdlc' });
});

test('IEC62056: unknown wrapper version refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'tcp', serverPort: 4059 });
  assert.ok(notByDpi(r, 'IEC62056'));
  fuzz(WRAPPED, 'tcp', 4059, 0);
});
