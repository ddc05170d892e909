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

// records: type, length (u16, whole record), body
const HELLO = hex(`
  16            # client opening record
  00 0c         # length 12, the whole record
  01 02 03 04 05 06 07 08 09   # body (opaque)
`);
const ANSWER = hex(`
  17            # server answer
  00 0a         # length 10
  aa bb cc dd ee ff 00         # body (opaque)
`);
// a TLS ClientHello start on the same port (Apple push): 16 03 01 …
const TLS = hex('16 03 01 00 05 01 00 00 01 00');

test('HP_VIRTGRP: opening record and answer', () => {
  const r = identify([{ dir: 0, payload: HELLO }, { dir: 1, payload: ANSWER }], { transport: 'tcp', serverPort: 5223 });
  assert.equal(r['protocol'], 'HP_VIRTGRP');
  assert.equal(r['confidence'], 'dpi');
});

test('HP_VIRTGRP: TLS record on 5223 refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: TLS }], { transport: 'tcp', serverPort: 5223 });
  assert.ok(notByDpi(r, 'HP_VIRTGRP'));
  fuzz(HELLO, 'tcp', 5223, 0);
});
