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

const HELLO = hex(`
  00            # version 0 (HSRPv1)
  00            # op code: hello
  10            # state: active
  03 0a         # hello time 3 s, hold time 10 s
  64            # priority 100
  01            # group 1
  00            # reserved
  63 69 73 63 6f 00 00 00   # authentication data (default)
  c0 00 02 01   # virtual IP address
`);
const BAD = Uint8Array.from(HELLO);
BAD[2] = 0x03; // state 3 does not exist

test('HSRP: v1 hello', () => {
  const r = identify([{ dir: 0, payload: HELLO }], { transport: 'udp', serverPort: 1985 });
  assert.equal(r['protocol'], 'HSRP');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['hsrp'], { version: 1 });
});

test('HSRP: unknown state refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 1985 });
  assert.ok(notByDpi(r, 'HSRP'));
  fuzz(HELLO, 'udp', 1985, 0);
});
