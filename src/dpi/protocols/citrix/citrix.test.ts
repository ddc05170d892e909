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


const DETECT = hex('7f 7f 49 43 41 00'); // 0x7F 0x7F "ICA" NUL

test('Citrix ICA detect string and CGP', () => {
  const r = identify([{ dir: 1, payload: DETECT }, { dir: 0, payload: DETECT }], { transport: 'tcp', serverPort: 1494 });
  assert.equal(r['application'], 'Citrix');
  assert.deepEqual(r['citrix'], { transport: 'ICA' });
  const cgp = cat(hex('1a'), enc('CGP/01'), hex('00 00'));
  assert.deepEqual(identify([{ dir: 0, payload: cgp }], { transport: 'tcp', serverPort: 2598 })['citrix'], { transport: 'CGP' });
});

test('Citrix refuses near misses', () => {
  assert.equal(identify([{ dir: 0, payload: hex('7f 7f 49 43 42 00') }], { transport: 'tcp', serverPort: 1494 })['citrix'], null);
  assert.equal(identify([{ dir: 0, payload: cat(hex('1a'), enc('CGP/02')) }], { transport: 'tcp', serverPort: 2598 })['citrix'], null);
  fuzz(DETECT, 'tcp', 1494);
});
