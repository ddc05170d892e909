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

const REPLY = hex(`
  02          # version 2
  06          # command
  00 0b       # payload length 11
  0a 00 04 00 00 de 60   # TLV 0x0a (uptime), length 4
  0b 00 01 41            # TLV 0x0b, length 1
`);
const REQUEST = hex('01 00 00 00'); // version 1 discovery request: empty
const BAD = hex('02 06 00 20 0a 00 04 00 00 de 60'); // length says 32, 7 follow

test('UBNTAC2: version 2 reply TLVs', () => {
  const r = identify([{ dir: 1, payload: REPLY }], { transport: 'udp', serverPort: 10001 });
  assert.equal(r['protocol'], 'UBNTAC2');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['ubntac2'], { version: 2 });
});

test('UBNTAC2: version 1 request', () => {
  assert.deepEqual(identify([{ dir: 0, payload: REQUEST }], { transport: 'udp', serverPort: 10001 })['ubntac2'], { version: 1 });
});

test('UBNTAC2: length mismatch refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 10001 });
  assert.ok(notByDpi(r, 'UBNTAC2'));
  fuzz(REPLY, 'udp', 10001, 1);
});
