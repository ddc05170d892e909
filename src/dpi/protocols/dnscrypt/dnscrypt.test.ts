import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';
import { mutate, seededRandom } from '../../../test-support/prng.js';
import { readCertQuery, RESOLVER_MAGIC, startsWithMagic } from './parser.js';

const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.length));
  return out;
};

// DNS query: TXT "2.dnscrypt-cert.example.com"
const CERT_QUERY = hex(`
  1234 0100 0001 0000 0000 0000     # id, flags RD, 1 question
  01 32                             # "2"
  0d 646e7363727970742d63657274     # "dnscrypt-cert"
  07 6578616d706c65 03 636f6d 00    # "example.com"
  0010 0001                         # TXT IN
`);
const fill = (n: number, v: number): Uint8Array => new Uint8Array(n).fill(v);
const NONCE = hex('0102030405060708090a0b0c');
// encrypted query: client magic (8), client public key (32), client nonce (12), box (padded)
const QUERY = concat(fill(8, 0xca), fill(32, 0x11), NONCE, fill(256 - 52, 0x5a));
// encrypted response: resolver magic "r6fnvWj8", nonce = client nonce + server half, box
const RESPONSE = concat(RESOLVER_MAGIC, NONCE, fill(12, 0x77), fill(64, 0x33));

test('the certificate query names DNSCrypt and the provider', () => {
  const r = identify([{ dir: 0, payload: CERT_QUERY }], { transport: 'udp', serverPort: 443 });
  assert.equal(r['protocol'], 'DNSCrypt');
  assert.deepEqual(r['dnscrypt'], { provider: 'example.com' });
});

test('an encrypted query answered with the resolver magic and the client nonce', () => {
  const r = identify([{ dir: 0, payload: QUERY }, { dir: 1, payload: RESPONSE }], { transport: 'udp', serverPort: 8443 });
  assert.equal(r['protocol'], 'DNSCrypt');
  // a different nonce in the answer: not DNSCrypt
  const other = Uint8Array.from(RESPONSE);
  other[8] ^= 0xff;
  const n = identify([{ dir: 0, payload: QUERY }, { dir: 1, payload: other }], { transport: 'udp', serverPort: 8443 });
  assert.notEqual(n['protocol'], 'DNSCrypt');
});

test('over TCP with the 2-byte length prefix', () => {
  const pre = (b: Uint8Array): Uint8Array => concat(Uint8Array.of(b.length >> 8, b.length & 0xff), b);
  const r = identify([{ dir: 0, payload: pre(QUERY) }, { dir: 1, payload: pre(RESPONSE) }], { transport: 'tcp', serverPort: 443 });
  assert.equal(r['protocol'], 'DNSCrypt');
});

test('parser: other DNS names and lone large datagrams are not DNSCrypt', () => {
  const q = Uint8Array.from(CERT_QUERY);
  q[14] = 0x63; // "ccscrypt-cert"
  assert.equal(readCertQuery(q, 0, q.length), null);
  assert.equal(startsWithMagic(RESPONSE, 0, 7), false);
  const r = identify([{ dir: 0, payload: QUERY }, { dir: 0, payload: QUERY }], { transport: 'udp', serverPort: 9000 });
  assert.notEqual(r['protocol'], 'DNSCrypt');
});

test('fuzz: mutated messages never throw', () => {
  const rnd = seededRandom(5353);
  for (let k = 0; k < 3000; k++) {
    const m = mutate(k % 2 ? CERT_QUERY : RESPONSE, rnd);
    readCertQuery(m, 0, m.length);
  }
  for (let k = 0; k < 100; k++) identify([{ dir: 0, payload: mutate(QUERY, rnd) }, { dir: 1, payload: mutate(RESPONSE, rnd) }], { transport: 'udp', serverPort: 443 });
});
