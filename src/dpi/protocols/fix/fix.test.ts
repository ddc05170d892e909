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

const logon = enc('8=FIX.4.4\x019=65\x0135=A\x0134=1\x0149=SENDER\x0152=20240101-00:00:00\x0156=TARGET\x0198=0\x01108=30\x0110=012\x01');

test('FIX logon names the flow; field values are not output', () => {
  const r = identify([{ dir: 0, payload: logon }], { transport: 'tcp', serverPort: 9878 });
  assert.equal(r['protocol'], 'FIX');
  assert.deepEqual(r['fix'], { version: 'FIX.4.4', message_type: 'Logon' });
  assert.ok(!JSON.stringify(r).includes('SENDER'));
});

test('FIX: "8=" without the header order is refused; fuzz', () => {
  assert.equal(identify([{ dir: 0, payload: '8=hello world\r\n' }], { transport: 'tcp', serverPort: 9878 })['fix'], null);
  fuzz(logon, 'tcp', 9878);
});
