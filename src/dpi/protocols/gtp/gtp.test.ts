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

const ECHO = hex(`
  40            # version 2, no piggybacking, no TEID
  01            # Echo Request
  00 09         # length 9 (after the first 4 bytes)
  00 00 01 00   # sequence number, spare
  03 00 01 00 05   # Recovery IE: type 3, length 1, instance 0, value 5
`);
// GTPv1 flags E/S/PN set but length 0: no room for their 4 bytes
const BAD = hex('37 03 00 00 42 00 00 00');

test('GTP_C: GTPv2-C echo request', () => {
  const r = identify([{ dir: 0, payload: ECHO }], { transport: 'udp', serverPort: 2123 });
  assert.equal(r['protocol'], 'GTP_C');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['gtp'], { version: 2 });
});

test('GTP_C: inconsistent GTPv1 header refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 2123 });
  assert.ok(notByDpi(r, 'GTP_C'));
  fuzz(ECHO, 'udp', 2123, 0);
});
