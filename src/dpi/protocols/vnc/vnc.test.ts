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

test('VNC: RFB versions of both ends', () => {
  const r = identify([{ dir: 1, payload: 'RFB 003.008\n' }, { dir: 0, payload: 'RFB 003.008\n' }], { transport: 'tcp', serverPort: 5900 });
  assert.equal(r['protocol'], 'VNC');
  assert.deepEqual(r['vnc'], { server_version: '3.8', client_version: '3.8' });
  assert.deepEqual(r['risks'], ['desktop_or_file_sharing']);
});

test('VNC: malformed version refused; fuzz', () => {
  assert.equal(identify([{ dir: 1, payload: 'RFB 3.8\n' }], { transport: 'tcp', serverPort: 5901 })['vnc'], null);
  fuzz(enc('RFB 003.008\n'), 'tcp', 5900, 1);
});
