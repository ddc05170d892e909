import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';
import { isNanoHeader } from './index.js';

// node_id_handshake (type 10) query on the live network, versions 20/20/18, extensions: query flag
const HANDSHAKE = cat(hex('52 43 14 14 12 0a 01 00'), Uint8Array.from({ length: 32 }, (_, i) => i * 7));
// keepalive (type 2) on the beta network over UDP: 8 peers of 18 bytes (IPv6 address and port)
const KEEPALIVE = cat(hex('52 42 13 13 12 02 00 00'), new Uint8Array(8 * 18));
// confirm_req (type 4) on the test network
const CONFIRM_REQ = cat(hex('52 41 13 12 12 04 00 01'), new Uint8Array(64));

test('Nano: handshake over TCP, keepalive over UDP, on 7075 and elsewhere', () => {
  const tcp = identify([{ dir: 0, payload: HANDSHAKE }], { transport: 'tcp', serverPort: 7075 });
  assert.equal(tcp['protocol'], 'Nano');
  assert.equal(tcp['confidence'], 'dpi');
  assert.equal(identify([{ dir: 0, payload: KEEPALIVE }], { transport: 'udp', serverPort: 7075 })['protocol'], 'Nano');
  assert.equal(identify([{ dir: 0, payload: CONFIRM_REQ }], { transport: 'udp', serverPort: 44000 })['protocol'], 'Nano');
});

test('Nano: the header is split from its body over TCP', () => {
  const r = identify([{ dir: 0, payload: HANDSHAKE.subarray(0, 5) }, { dir: 0, payload: HANDSHAKE.subarray(5) }], { transport: 'tcp', serverPort: 7075 });
  assert.equal(r['protocol'], 'Nano');
});

test('Nano: unknown network, versions out of order, unknown type are refused; fuzz', () => {
  assert.equal(isNanoHeader(hex('52 44 14 14 12 0a 00 00'), 0, 8), false); // network 'D'
  assert.equal(isNanoHeader(hex('52 43 12 14 12 0a 00 00'), 0, 8), false); // using above max
  assert.equal(isNanoHeader(hex('52 43 14 14 15 0a 00 00'), 0, 8), false); // min above using
  assert.equal(isNanoHeader(hex('52 43 14 14 12 09 00 00'), 0, 8), false); // not_a_type
  assert.ok(notByDpi(identify([{ dir: 0, payload: hex('52 43 14 14 12 01 00 00 00 00') }], { transport: 'udp', serverPort: 7075 }), 'Nano'));
  fuzz(HANDSHAKE, 'tcp', 7075);
  fuzz(KEEPALIVE, 'udp', 7075);
});
