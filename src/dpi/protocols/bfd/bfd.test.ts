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
void hex; void enc; void cat; void fuzz;

const ctl = hex(`
  20            # version 1, diag 0
  c0            # state Up, no flags
  03 18         # detect mult 3, length 24
  00 00 00 01   # my discriminator
  00 00 00 02   # your discriminator
  00 0f 42 40 00 0f 42 40 00 00 00 00   # intervals
`);

test('BFD control packet', () => {
  const r = identify([{ dir: 0, payload: ctl }], { transport: 'udp', serverPort: 3784 });
  assert.equal(r['protocol'], 'BFD');
  assert.deepEqual(r['bfd'], { state: 'Up' });
});

test('BFD: zero discriminator refused; fuzz', () => {
  const bad = Uint8Array.from(ctl);
  bad[7] = 0;
  assert.equal(identify([{ dir: 0, payload: bad }], { transport: 'udp', serverPort: 3784 })['bfd'], null);
  fuzz(ctl, 'udp', 3784);
});
