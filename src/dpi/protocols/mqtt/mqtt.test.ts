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

const connect = hex(`
  10 10             # CONNECT, remaining length 16
  00 04 4d 51 54 54 # "MQTT"
  04 02 00 3c       # level 4, clean session, keep alive 60
  00 04 61 62 63 64 # client id "abcd"
`);

test('MQTT CONNECT', () => {
  const r = identify([{ dir: 0, payload: connect }], { transport: 'tcp', serverPort: 1883 });
  assert.equal(r['protocol'], 'MQTT');
  assert.deepEqual(r['mqtt'], { version: '3.1.1' });
  const bad = Uint8Array.from(connect);
  bad[8] = 9;
  assert.equal(identify([{ dir: 0, payload: bad }], { transport: 'tcp', serverPort: 1884 })['mqtt'], null);
  fuzz(connect, 'tcp', 1883);
});
