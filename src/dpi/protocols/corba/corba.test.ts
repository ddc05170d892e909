import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const REQUEST = hex(`
  47 49 4f 50 # 'GIOP'
  01 02       # version 1.2
  00          # flags: big endian, last fragment
  00          # message type 0: Request
  00 00 00 10 # message size 16
  00 00 00 05 03 00 00 00 00 00 00 00 00 00 00 00 # (request id, response flags, target … elided)
`);

test('GIOP request names the flow Corba', () => {
  const r = identify([{ dir: 0, payload: REQUEST }], { transport: 'tcp', serverPort: 42000 });
  assert.equal(r['protocol'], 'Corba');
  assert.deepEqual(r['corba'], { message_type: 'Request' });
});

test('MIOP carries GIOP over UDP', () => {
  const miop = cat(hex(`
    4d 49 4f 50 # 'MIOP'
    10          # version 1.0
    03          # flags: little endian, last packet
    1c 00       # length of the GIOP data that follows: 28
    00 00 00 00 # packet number
    01 00 00 00 # number of packets
    04 00 00 00 # Id length 4
    61 62 63 64 # Id
  `), REQUEST.subarray(0, 28));
  const r = identify([{ dir: 0, payload: miop }], { transport: 'udp', serverPort: 15984 });
  assert.equal(r['protocol'], 'Corba');
});

test('GIOP refuses bad versions, flags and types', () => {
  for (const [i, v] of [[4, 2], [5, 4], [6, 0x10], [7, 9]] as const) {
    const m = Uint8Array.from(REQUEST);
    m[i] = v;
    assert.equal(identify([{ dir: 0, payload: m }], { transport: 'tcp', serverPort: 683 })['corba'], null, `byte ${i}`);
  }
  assert.equal(identify([{ dir: 0, payload: enc('GIOP is not here\n') }], { transport: 'tcp', serverPort: 683 })['corba'], null);
  fuzz(REQUEST, 'tcp', 683);
  fuzz(cat(enc('MIOP'), hex('10 00 00 10 00 00 00 00 00 00 00 01 00 00 00 00'), REQUEST.subarray(0, 16)), 'udp', 15984);
});
