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

const greeting = cat(hex('4a 00 00 00  0a'), enc('8.0.36\0'), hex(`
  0d 00 00 00                 # thread id
  3a 23 3b 5e 64 3e 2f 39     # auth data part 1
  00                          # filler
  ff ff ff 02 00 ff df 15 00 00 00 00 00 00 00 00 00 00 00 00 00 00
`), new Uint8Array(74 - 45));

test('MySQL server greeting', () => {
  const g = cat(hex((greeting.length - 4).toString(16).padStart(2, '0')), greeting.subarray(1));
  const r = identify([{ dir: 1, payload: g }], { transport: 'tcp', serverPort: 3306 });
  assert.equal(r['protocol'], 'MySQL');
  assert.deepEqual(r['mysql'], { server_version: '8.0.36' });
  fuzz(g, 'tcp', 3306, 1);
});
