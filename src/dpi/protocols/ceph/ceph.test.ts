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

const V1 = cat(enc('ceph v027'), new Uint8Array(16));
const V2 = enc('ceph v2\n');
const BAD = enc('cephalopod\n');

test('Ceph: messenger v1 banner', () => {
  const r = identify([{ dir: 1, payload: V1 }], { transport: 'tcp', serverPort: 6789 });
  assert.equal(r['protocol'], 'Ceph');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['ceph'], { messenger: 'v1' });
});

test('Ceph: messenger v2 banner', () => {
  assert.deepEqual(identify([{ dir: 0, payload: V2 }], { transport: 'tcp', serverPort: 3300 })['protocol'], 'Ceph');
});

test('Ceph: other text refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'tcp', serverPort: 6789 });
  assert.ok(notByDpi(r, 'Ceph'));
  fuzz(V1, 'tcp', 6789, 1);
});
