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

// a link-layer header: 05 64, length, control, destination, source, CRC (computed by the test)
import { crcDnp } from './index.js';
const frame = (): Uint8Array => {
  const h = hex('05 64 05 c0 01 00 00 04 00 00');
  const c = crcDnp(h, 0, 8);
  h[8] = c & 0xff;
  h[9] = c >> 8;
  return h;
};

test('DNP3 frame with a valid header CRC', () => {
  // reference value: CRC-16/DNP of "123456789" is 0xEA82
  assert.equal(crcDnp(enc('123456789'), 0, 9), 0xea82);
  const r = identify([{ dir: 0, payload: frame() }], { transport: 'tcp', serverPort: 20000 });
  assert.equal(r['protocol'], 'DNP3');
  assert.deepEqual(r['dnp3'], { direction: 'master' });
});

test('DNP3: wrong CRC refused; fuzz', () => {
  const bad = frame();
  bad[9] = bad[9]! ^ 1;
  assert.equal(identify([{ dir: 0, payload: bad }], { transport: 'tcp', serverPort: 20001 })['dnp3'], null);
  fuzz(frame(), 'tcp', 20000);
});
