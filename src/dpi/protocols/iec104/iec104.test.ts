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

test('IEC 104 STARTDT act and an I-format APDU', () => {
  const r = identify([
    { dir: 0, payload: hex('68 04 07 00 00 00') },   // U-format STARTDT act
    { dir: 1, payload: hex('68 04 0b 00 00 00') },   // STARTDT con
  ], { transport: 'tcp', serverPort: 2404 });
  assert.equal(r['protocol'], 'IEC60870-5-104');
  assert.deepEqual(r['iec104'], { first_apdu: 'U' });
  const i = identify([{ dir: 0, payload: hex('68 0e 00 00 00 00 64 01 06 00 01 00 00 00 00 14') }], { transport: 'tcp', serverPort: 2404 });
  assert.equal(i['protocol'], 'IEC60870-5-104');
});

test('IEC 104: U-format with two function bits refused; fuzz', () => {
  assert.equal(identify([{ dir: 0, payload: hex('68 04 0f 00 00 00') }], { transport: 'tcp', serverPort: 2404 })['iec104'], null);
  fuzz(hex('68 04 07 00 00 00'), 'tcp', 2404);
});
