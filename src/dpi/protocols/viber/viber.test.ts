import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

const UDP_HELLO = hex(`
  edf6      # marker 0xF6ED (little-endian)
  0900      # message type 9
  b339929163010000ac19358c8f64e447
`);
const UDP_ANSWER = hex('edf6 1a00 ac19358c8f64e44732437c5e43b800c8');
const tcpMessage = (counter: number, body: number): Uint8Array => {
  const m = new Uint8Array(6 + body);
  m[0] = m.length & 0xff; // whole-message length (little-endian)
  m[1] = m.length >> 8;
  m[2] = counter; // 32-bit message counter
  for (let i = 6; i < m.length; i++) m[i] = (i * 37) & 0xff;
  return m;
};

test('Viber over UDP: the marker to a Viber port, or in both directions', () => {
  assert.equal(identify([{ dir: 0, payload: UDP_HELLO }], { transport: 'udp', serverPort: 7985 })['application'], 'Viber');
  const anyPort = identify([{ dir: 0, payload: UDP_HELLO }, { dir: 1, payload: UDP_ANSWER }], { transport: 'udp', serverPort: 40000 });
  assert.equal(anyPort['application'], 'Viber');
  assert.equal(anyPort['category'], 'Chat');
  assert.ok(notByDpi(identify([{ dir: 0, payload: UDP_HELLO }], { transport: 'udp', serverPort: 40000 }), 'Viber'));
});

test('Viber over TCP: length-framed messages both ways on a Viber port', () => {
  const r = identify([{ dir: 0, payload: tcpMessage(10, 95) }, { dir: 1, payload: tcpMessage(14, 70) }, { dir: 0, payload: tcpMessage(11, 50) }], { transport: 'tcp', serverPort: 4244 });
  assert.equal(r['application'], 'Viber');
  // the same framing elsewhere is not enough
  const elsewhere = identify([{ dir: 0, payload: tcpMessage(10, 95) }, { dir: 1, payload: tcpMessage(14, 70) }], { transport: 'tcp', serverPort: 4245 });
  assert.ok(notByDpi(elsewhere, 'Viber'));
  // a length that is not the message's
  const wrong = tcpMessage(10, 95);
  wrong[0] = 0xff;
  assert.ok(notByDpi(identify([{ dir: 0, payload: wrong }, { dir: 1, payload: tcpMessage(14, 70) }], { transport: 'tcp', serverPort: 4244 }), 'Viber'));
  fuzz(tcpMessage(10, 95), 'tcp', 4244, 0);
  fuzz(UDP_HELLO, 'udp', 7985, 0);
});
