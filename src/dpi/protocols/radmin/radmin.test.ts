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


const HELLO = hex(`
  01          # message start
  00 00 00 01 # body length 1
  00 00 00 08 # (header bytes, not interpreted)
  08          # body
`);
const ANSWER = hex(`
  01          # message start
  00 00 00 05 # body length 5
  00 00 02 27 # (header bytes)
  27 02 00 00 00 # body
`);

test('Radmin: a framed message each way on 4899', () => {
  const r = identify([{ dir: 0, payload: HELLO }, { dir: 1, payload: ANSWER }], { transport: 'tcp', serverPort: 4899 });
  assert.equal(r['protocol'], 'Radmin');
});

test('Radmin refuses one direction, length mismatches and other ports', () => {
  assert.notEqual(identify([{ dir: 0, payload: HELLO }], { transport: 'tcp', serverPort: 4899 })['confidence'], 'dpi'); // a port guess only
  assert.notEqual(identify([{ dir: 0, payload: HELLO }, { dir: 1, payload: ANSWER.subarray(0, 12) }, { dir: 1, payload: hex('ff ff ff') }], { transport: 'tcp', serverPort: 4899 })['confidence'], 'dpi');
  assert.notEqual(identify([{ dir: 0, payload: HELLO }, { dir: 1, payload: ANSWER }], { transport: 'tcp', serverPort: 4900 })['protocol'], 'Radmin');
  fuzz(HELLO, 'tcp', 4899);
  void enc; void cat;
});
