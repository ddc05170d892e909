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

const req = hex('00 d1  00 00  00 06  01  03  00 01 00 01'); // tid, protocol 0, length 6, unit 1, read holding registers
const rsp = hex('00 d1  00 00  00 05  01  03  02 00 00');

test('Modbus/TCP on 502, and off 502 once the answer matches', () => {
  const r = identify([{ dir: 0, payload: req }, { dir: 1, payload: rsp }], { transport: 'tcp', serverPort: 502 });
  assert.equal(r['protocol'], 'Modbus');
  assert.deepEqual(r['modbus'], { function_code: 3 });
  assert.equal(identify([{ dir: 0, payload: req }, { dir: 1, payload: rsp }], { transport: 'tcp', serverPort: 5020 })['protocol'], 'Modbus');
  const wrong = Uint8Array.from(rsp);
  wrong[1] = 0xd2;
  assert.equal(identify([{ dir: 0, payload: req }, { dir: 1, payload: wrong }], { transport: 'tcp', serverPort: 5020 })['modbus'], null);
});

test('Modbus: fuzz', () => {
  fuzz(req, 'tcp', 502);
});
