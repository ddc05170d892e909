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

const FRAME = hex(`
  49 53 4f 31 31 38 39 38   # "ISO11898"
  01                        # version 1
  02                        # message type
  00 01 00 00 01 23 08 11 22 33 44 55 66 77 88   # CAN frames (opaque here)
`);
const BAD = Uint8Array.from(FRAME);
BAD[8] = 0x07; // version 7

test('Controller_Area_Network: ISO11898 encapsulation', () => {
  const r = identify([{ dir: 0, payload: FRAME }], { transport: 'udp', serverPort: 25000 });
  assert.equal(r['protocol'], 'Controller_Area_Network');
  assert.equal(r['confidence'], 'dpi');
});

test('Controller_Area_Network: unknown version refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 25000 });
  assert.ok(notByDpi(r, 'Controller_Area_Network'));
  fuzz(FRAME, 'udp', 25000, 0);
});
