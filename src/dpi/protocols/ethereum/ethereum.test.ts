import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

import { keccak256 } from './keccak.js';
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('Keccak-256 reference vectors', () => {
  assert.equal(toHex(keccak256(enc(''))), 'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
  assert.equal(toHex(keccak256(enc('abc'))), '4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45');
});

// the secp256k1 generator point G (x || y)
const G = hex('79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798 483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8');

test('RLPx EIP-8 auth: size prefix, then an ECIES key on the curve', () => {
  const body = cat(hex('04'), G, new Uint8Array(16 + 100 + 32));
  const auth = cat(hex((body.length).toString(16).padStart(4, '0')), body);
  const r = identify([{ dir: 0, payload: auth }], { transport: 'tcp', serverPort: 30303 });
  assert.equal(r['protocol'], 'Ethereum');
  assert.deepEqual(r['ethereum'], { handshake: 'eip8' });
  const off = Uint8Array.from(auth);
  off[10] = off[10]! ^ 1; // no longer on the curve
  assert.equal(identify([{ dir: 0, payload: off }], { transport: 'tcp', serverPort: 30303 })['ethereum'], null);
});

test('discv4 packet: the keccak hash must cover the rest', () => {
  const rest = cat(new Uint8Array(65), hex('01'), hex('c7 04 c5 84 7f 00 00 01'));
  const pkt = cat(keccak256(rest), rest);
  const r = identify([{ dir: 0, payload: pkt }], { transport: 'udp', serverPort: 30303 });
  assert.deepEqual(r['ethereum'], { discovery: 'Ping' });
  pkt[0] = pkt[0]! ^ 1;
  assert.equal(identify([{ dir: 0, payload: pkt }], { transport: 'udp', serverPort: 30303 })['ethereum'], null);
  fuzz(cat(keccak256(rest), rest), 'udp', 30303);
});
