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


const RELEASE = hex(`
  20         # Ver 1, R 0, F 0, reserved 0
  02         # Primitive 2: FloorRelease
  00 01      # Payload Length: 1 word
  00 00 00 07 # Conference ID
  00 02      # Transaction ID
  05 04      # User ID
  02 04 00 03 # FLOOR-REQUEST-ID attribute: 3
`);
const STATUS = Uint8Array.from(RELEASE);
STATUS[1] = 4; // FloorRequestStatus, same conference, transaction and user ids

test('BFCP: a transaction answered with the same ids', () => {
  const r = identify([{ dir: 0, payload: RELEASE }, { dir: 1, payload: STATUS }], { transport: 'tcp', serverPort: 5070 });
  assert.equal(r['protocol'], 'BFCP');
  assert.deepEqual(r['bfcp'], { primitive: 2 });
  assert.equal(identify([{ dir: 0, payload: RELEASE }, { dir: 1, payload: STATUS }], { transport: 'udp', serverPort: 5070 })['protocol'], 'BFCP');
});

test('BFCP refuses unanswered messages, other transactions and bad headers', () => {
  assert.equal(identify([{ dir: 0, payload: RELEASE }], { transport: 'udp', serverPort: 5070 })['bfcp'], null);
  const other = Uint8Array.from(STATUS);
  other[9] = 9; // another transaction
  assert.equal(identify([{ dir: 0, payload: RELEASE }, { dir: 1, payload: other }], { transport: 'udp', serverPort: 5070 })['bfcp'], null);
  const v3 = Uint8Array.from(RELEASE);
  v3[0] = 0x60; // version 3
  assert.equal(identify([{ dir: 0, payload: v3 }, { dir: 1, payload: STATUS }], { transport: 'udp', serverPort: 5070 })['bfcp'], null);
  fuzz(RELEASE, 'udp', 5070);
  void enc; void cat;
});
