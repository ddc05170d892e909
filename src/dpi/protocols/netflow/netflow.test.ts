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

const V5 = cat(hex(`
  00 05         # version 5
  00 01         # one record
  00 00 10 00   # sysUptime
  5f 00 00 00   # unix seconds
  00 00 00 00   # unix nanoseconds
  00 00 00 2a   # flow sequence
  00 00 00 00   # engine type, id, sampling
`), new Uint8Array(48)); // one 48-byte flow record
const V9 = hex(`
  00 09         # version 9
  00 01         # count
  00 00 10 00 5f 00 00 00 00 00 00 01 00 00 00 00   # uptime, seconds, sequence, source id
  00 00 00 0c   # template flowset, length 12
  01 00 00 01   # template 256, one field
  00 08 00 04   # IPV4_SRC_ADDR, 4 bytes
`);
const BAD = Uint8Array.from(V5);
BAD[3] = 0x02; // count 2, one record present

test('NetFlow: v5 export', () => {
  const r = identify([{ dir: 0, payload: V5 }], { transport: 'udp', serverPort: 2055 });
  assert.equal(r['protocol'], 'NetFlow');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['netflow'], { version: 5 });
});

test('NetFlow: v9 template flowset', () => {
  assert.deepEqual(identify([{ dir: 0, payload: V9 }], { transport: 'udp', serverPort: 2055 })['netflow'], { version: 9 });
});

test('NetFlow: count mismatch refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 2055 });
  assert.ok(notByDpi(r, 'NetFlow'));
  fuzz(V5, 'udp', 2055, 0);
});
