import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

const REQUEST = hex(`
  02            # SLP version 2
  01            # function: SrvRqst
  00 00 21      # length 33
  00 00         # flags
  00 00 00      # next extension offset
  12 34         # XID
  00 02 65 6e   # language tag "en"
  00 00         # PR list: empty
  00 07 73 65 72 76 69 63 65   # service type "service"
  00 00 00 00 00 00            # scope list, predicate, SPI: empty
`);
const BAD = Uint8Array.from(REQUEST);
BAD[4] = 0x40; // length 64 > datagram

test('Service_Location_Protocol: v2 service request', () => {
  const r = identify([{ dir: 0, payload: REQUEST }], { transport: 'udp', serverPort: 427 });
  assert.equal(r['protocol'], 'Service_Location_Protocol');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['slp'], { version: 2, function: 'SrvRqst' });
});

test('Service_Location_Protocol: length mismatch refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 427 });
  assert.ok(notByDpi(r, 'Service_Location_Protocol'));
  fuzz(REQUEST, 'udp', 427, 0);
});
