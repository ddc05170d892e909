import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const HEL = cat(hex(`
  48 45 4c 46   # "HEL", chunk F
  30 00 00 00   # message size 48
  00 00 00 00   # protocol version 0
  00 00 01 00   # receive buffer size
  00 00 01 00   # send buffer size
  00 00 00 00   # max message size
  00 00 00 00   # max chunk count
  10 00 00 00   # endpoint URL length 16
`), enc('opc.tcp://h:4840'));
const BAD = Uint8Array.from(HEL);
BAD[3] = 0x58; // chunk type 'X'

test('OPC-UA: Hello', () => {
  const r = identify([{ dir: 0, payload: HEL }], { transport: 'tcp', serverPort: 4840 });
  assert.equal(r['protocol'], 'OPC-UA');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['opcua'], { message: 'HEL' });
});

test('OPC-UA: unknown chunk type refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'tcp', serverPort: 4840 });
  assert.ok(notByDpi(r, 'OPC-UA'));
  fuzz(HEL, 'tcp', 4840, 0);
});
