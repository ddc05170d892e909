import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';
import { mutate, seededRandom } from '../../../test-support/prng.js';
import { readIke } from './parser.js';

// IKEv2 IKE_SA_INIT request: header only plus an empty-ish payload, 36 bytes in all
const IKEV2 = hex(`
  f331a5fc9897dfd6 0000000000000000   # initiator SPI, responder SPI (zero: first message)
  21 20 22 08                         # next payload SA (33), version 2.0, IKE_SA_INIT (34), flags: initiator
  00000000 00000024                   # message id 0, length 36
  00 00 0008 00000000                 # a generic payload header (8 bytes)
`);

test('IKEv2 on UDP 500 names IPsec', () => {
  const r = identify([{ dir: 0, payload: IKEV2 }], { transport: 'udp', serverPort: 500 });
  assert.equal(r['protocol'], 'IPsec');
  assert.equal(r['category'], 'VPN');
  assert.deepEqual(r['ipsec_ike'], { ike_version: 2 });
});

test('IKE after the non-ESP marker on UDP 4500 (RFC 3948)', () => {
  const p = new Uint8Array(4 + IKEV2.length);
  p.set(IKEV2, 4);
  assert.equal(identify([{ dir: 0, payload: p }], { transport: 'udp', serverPort: 4500 })['protocol'], 'IPsec');
});

test('parser: zero SPI, wrong length, unknown version are not IKE', () => {
  assert.ok(readIke(IKEV2, 0, IKEV2.length, true));
  assert.equal(readIke(IKEV2, 0, IKEV2.length - 1, true), null);
  const z = Uint8Array.from(IKEV2);
  z.fill(0, 0, 8);
  assert.equal(readIke(z, 0, z.length, true), null);
  const v = Uint8Array.from(IKEV2);
  v[17] = 0x30;
  assert.equal(readIke(v, 0, v.length, true), null);
});

test('fuzz: mutated messages never throw', () => {
  const rnd = seededRandom(500);
  for (let k = 0; k < 3000; k++) {
    const m = mutate(IKEV2, rnd);
    readIke(m, 0, m.length, k % 2 === 0);
  }
});

test('IKEv2 next payload types beyond those defined and of private use are IKE (RFC 7296 §3.2); IKEv1 numbers are not', () => {
  const withNext = (next: number): Uint8Array => {
    const m = Uint8Array.from(IKEV2);
    m[16] = next;
    return m;
  };
  for (const next of [0, 33, 46, 53, 56, 127, 128, 255]) assert.ok(readIke(withNext(next), 0, IKEV2.length, true), `next payload ${next}`);
  for (const next of [1, 8, 32]) assert.equal(readIke(withNext(next), 0, IKEV2.length, true), null, `next payload ${next}`);
});
