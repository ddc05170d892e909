import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

const WHO_IS = hex(`
  81            # BVLC type: BACnet/IP
  0b            # function: Original-Broadcast-NPDU
  00 0c         # length 12
  01 20 ff ff 00 ff   # NPDU: version 1, control, global broadcast, hop count
  10 08         # APDU: unconfirmed request, Who-Is
`);
const BAD = Uint8Array.from(WHO_IS);
BAD[3] = 0x10; // length 16 > datagram

test('BACnet: Who-Is broadcast', () => {
  const r = identify([{ dir: 0, payload: WHO_IS }], { transport: 'udp', serverPort: 47808 });
  assert.equal(r['protocol'], 'BACnet');
  assert.equal(r['confidence'], 'dpi');
});

test('BACnet: length mismatch refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 47808 });
  assert.ok(notByDpi(r, 'BACnet'));
  fuzz(WHO_IS, 'udp', 47808, 0);
});
