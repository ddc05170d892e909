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

const REQUEST = hex(`
  00   # version 0
  00   # opcode 0: external address request (2 bytes in all)
`);
const RESPONSE = hex(`
  00            # version 0
  80            # opcode 128: external address response
  00 00         # result: success
  00 00 1c 20   # seconds since start of epoch
  c6 33 64 01   # external address
`);
const BAD = hex('00 05 00 00'); // opcode 5 does not exist

test('NAT-PMP: external address request and response', () => {
  const r = identify([{ dir: 0, payload: REQUEST }, { dir: 1, payload: RESPONSE }], { transport: 'udp', serverPort: 5351 });
  assert.equal(r['protocol'], 'NAT-PMP');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['nat_pmp'], { opcode: 'external_address' });
});

test('NAT-PMP: unknown opcode refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 5351 });
  assert.ok(notByDpi(r, 'NAT-PMP'));
  fuzz(REQUEST, 'udp', 5351, 0);
});
