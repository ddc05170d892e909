import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

const CR = hex(`
  03 00 00 16   # TPKT: version 3, length 22
  11 e0         # COTP: length 17, connection request
  00 00 00 01 00 c0 01 0a c1 02 01 00 c2 02 01 02   # references, class, TPDU size, TSAPs
`);
const CC = hex('03 00 00 16 11 d0 00 01 00 01 00 c0 01 0a c1 02 01 00 c2 02 01 02'); // connection confirm
const SETUP = hex(`
  03 00 00 19   # TPKT: length 25
  02 f0 80      # COTP: data, last unit
  32 01         # S7comm: protocol id 0x32, ROSCTR 1 (job)
  00 00 00 00 00 08 00 00   # reserved, PDU reference, parameter length 8, data length 0
  f0 00 00 01 00 01 01 e0   # setup communication
`);
const BAD = hex('03 00 00 0c 02 f0 80 99 01 00 00 00'); // COTP data with protocol id 0x99

test('S7Comm: connection and setup communication', () => {
  const r = identify([{ dir: 0, payload: CR }, { dir: 1, payload: CC }, { dir: 0, payload: SETUP }], { transport: 'tcp', serverPort: 102 });
  assert.equal(r['protocol'], 'S7Comm');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['s7comm'], { variant: 's7comm' });
});

test('S7Comm: other COTP payload refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: CR }, { dir: 1, payload: CC }, { dir: 0, payload: BAD }], { transport: 'tcp', serverPort: 102 });
  assert.ok(notByDpi(r, 'S7Comm'));
  fuzz(CR, 'tcp', 102, 0);
});
