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


test('NoMachine: the NXSH and NXD banners', () => {
  const r = identify([{ dir: 0, payload: 'NXSH-8.10.1\n' }, { dir: 1, payload: 'NXD-8.10.1\n' }], { transport: 'tcp', serverPort: 4000 });
  assert.equal(r['application'], 'NoMachine');
  assert.deepEqual(r['nomachine'], { version: '8.10.1' });
  assert.equal(hex('4e 58 53 48 2d')[0], 0x4e); // 'NXSH-'
});

test('NoMachine refuses other banners and a client NXD', () => {
  assert.equal(identify([{ dir: 0, payload: 'NXSH-latest\n' }], { transport: 'tcp', serverPort: 4000 })['nomachine'], null);
  assert.equal(identify([{ dir: 0, payload: 'NXD-8.10.1\n' }], { transport: 'tcp', serverPort: 4000 })['nomachine'], null);
  assert.equal(identify([{ dir: 0, payload: 'NXSH-8.10.1 extra\n' }], { transport: 'tcp', serverPort: 4000 })['nomachine'], null);
  fuzz(enc('NXSH-8.10.1\n'), 'tcp', 4000);
  void cat;
});
