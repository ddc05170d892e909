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

const MSG = hex(`
  52 54 50 53   # "RTPS"
  02 01         # protocol version 2.1
  01 0f         # vendor id
  c0 a8 7a 01 00 00 3a 4c 00 00 00 01   # GUID prefix
  09 01 08 00 00 00 00 00 00 00 00 00   # INFO_TS submessage
`);
const BAD = Uint8Array.from(MSG);
BAD[4] = 0x07; // protocol version 7

test('RTPS: message header', () => {
  const r = identify([{ dir: 0, payload: MSG }], { transport: 'udp', serverPort: 7400 });
  assert.equal(r['protocol'], 'RTPS');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['rtps'], { version: '2.1' });
});

test('RTPS: unknown major version refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 7400 });
  assert.ok(notByDpi(r, 'RTPS'));
  fuzz(MSG, 'udp', 7400, 0);
});
