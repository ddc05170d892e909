import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identify } from '../../../test-support/dpi-test-kit.js';
import { mutate, seededRandom } from '../../../test-support/prng.js';

/** annotated hex: '#' starts a comment to the end of the line */
const hex = (s: string): Uint8Array => Uint8Array.from((s.replace(/#.*$/gm, '').replace(/\s+/g, '').match(/../g) ?? []).map((b) => parseInt(b, 16)));
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const cat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
/** seeded mutations of a first payload never throw, and never name a flow on a wrong-port port guess only */
const fuzz = (seed: Uint8Array, transport: 'tcp' | 'udp', serverPort: number, dir: 0 | 1 = 0, n = 150): void => {
  const rnd = seededRandom(seed.length * 7919 + serverPort);
  for (let i = 0; i < n; i++) {
    const m = mutate(seed, rnd);
    if (m.length === 0) continue;
    const r = identify([{ dir, payload: m }], { transport, serverPort });
    assert.ok(typeof r['confidence'] === 'string');
  }
};
/** the flow was not named `name` by DPI (a port guess may still name it) */
const notByDpi = (r: Record<string, unknown>, name: string): boolean => !(r['protocol'] === name && r['confidence'] === 'dpi');
void hex; void enc; void cat; void fuzz; void notByDpi;

const REGISTER = cat(hex(`
  30 00 00 01               # type 3 (Map-Register), flags, record count 1
  00 00 00 00 00 00 00 07   # nonce
  00 01                     # key id 1 (HMAC-SHA-1-96)
  00 14                     # authentication data length 20
`), new Uint8Array(20).fill(0xaa), hex('00 00 05 a0 01 20 10 00 00 00 00 01 0a 00 00 02'));
const BAD = Uint8Array.from(REGISTER);
BAD[0] = 0x90; // type 9 is not a control message

test('LISP: Map-Register', () => {
  const r = identify([{ dir: 0, payload: REGISTER }], { transport: 'udp', serverPort: 4342 });
  assert.equal(r['protocol'], 'LISP');
  assert.equal(r['confidence'], 'dpi');
});

test('LISP: reliable transport over TCP', () => {
  const msg = hex(`
    00 11         # type 17 (Map-Register over reliable transport)
    00 0c         # length 12
    00 00 00 00   # message id
    30 00 00 00   # start of the embedded Map-Register
  `);
  assert.equal(identify([{ dir: 0, payload: msg }], { transport: 'tcp', serverPort: 4342 })['protocol'], 'LISP');
});

test('LISP: unknown message type refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 4342 });
  assert.ok(notByDpi(r, 'LISP'));
  fuzz(REGISTER, 'udp', 4342, 0);
});
