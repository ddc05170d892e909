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

const INITIALIZE = hex(`
  48 53                     # prologue "HS"
  00                        # message type: Initialize
  00                        # control code
  01 00 00 01               # parameter: protocol version 1.0, vendor id
  00 00 00 00 00 00 00 07   # payload length 7
  68 69 73 6c 69 70 30      # "hislip0" (sub-address)
`);
const BAD = Uint8Array.from(INITIALIZE);
BAD[2] = 40; // message type 40: not defined (128+ are vendor specific)

test('HiSLIP: Initialize', () => {
  const r = identify([{ dir: 0, payload: INITIALIZE }], { transport: 'tcp', serverPort: 4880 });
  assert.equal(r['protocol'], 'HiSLIP');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['hislip'], { message: 'Initialize' });
});

test('HiSLIP: undefined message type refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'tcp', serverPort: 4880 });
  assert.ok(notByDpi(r, 'HiSLIP'));
  fuzz(INITIALIZE, 'tcp', 4880, 0);
});
