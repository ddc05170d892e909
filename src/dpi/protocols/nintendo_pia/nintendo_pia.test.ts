import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';
import { isPiaPacket } from './index.js';

// Shape of a Pia packet as seen between two consoles (payload bytes made up, not a capture).
const PIA = hex(`
  32ab9864  # Pia magic
  02        # encrypted (1 = no, 2 = yes: library up to 5.10)
  56        # connection id
  03cb      # packet id
  9601      # session timer
  33e0      # RTT timer
  c648f83493fb68c9                  # AES-GCM nonce
  e9cdf041450509198b26bd1f937ed8ba  # AES-GCM tag
  ffd356d26555b5d61f98094ed25399c7  # encrypted messages
`);

test('Pia packet between consoles is Nintendo', () => {
  assert.equal(isPiaPacket(PIA, 0, PIA.length), true);
  const r = identify([{ dir: 0, payload: PIA }, { dir: 1, payload: PIA }], { transport: 'udp', serverPort: 49432 });
  assert.equal(r['application'], 'Nintendo');
  assert.equal(r['confidence'], 'dpi');
});

test('Pia: newer header versions with the encryption bit', () => {
  const v9 = Uint8Array.from(PIA);
  v9[4] = 0x89; // encrypted, header version 9 (5.27 and later)
  assert.equal(isPiaPacket(v9, 0, v9.length), true);
});

test('Pia refuses a wrong magic, an unknown version byte and a bare header', () => {
  const magic = Uint8Array.from(PIA);
  magic[3] = 0x65;
  assert.equal(isPiaPacket(magic, 0, magic.length), false);
  const version = Uint8Array.from(PIA);
  version[4] = 0x40;
  assert.equal(isPiaPacket(version, 0, version.length), false);
  assert.equal(isPiaPacket(PIA, 0, 8), false);
  assert.ok(notByDpi(identify([{ dir: 0, payload: version }], { transport: 'udp', serverPort: 49432 }), 'Nintendo'));
  assert.notEqual(identify([{ dir: 0, payload: version }], { transport: 'udp', serverPort: 49432 })['application'], 'Nintendo');
});

test('Pia fuzz: mutated first payloads never throw', () => {
  fuzzFirstPayload(PIA, 'udp', 49432);
});
