import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

const REQUEST = hex(`
  00 00 00 0f   # length 15, the whole datagram
  01            # version 1
  00            # protocol type: S-Bus
  00 07         # sequence number
  00            # telegram attribute: request
  01 06 00 10   # S-Bus telegram: station, command, address
  12 34         # CRC
`);
const BAD = Uint8Array.from(REQUEST);
BAD[3] = 0x20; // length disagrees with the datagram

test('Ether-S-Bus: request telegram', () => {
  const r = identify([{ dir: 0, payload: REQUEST }], { transport: 'udp', serverPort: 5050 });
  assert.equal(r['protocol'], 'Ether-S-Bus');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['ether_s_bus'], { telegram: 'request' });
});

test('Ether-S-Bus: length mismatch refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 5050 });
  assert.ok(notByDpi(r, 'Ether-S-Bus'));
  fuzz(REQUEST, 'udp', 5050, 0);
});
