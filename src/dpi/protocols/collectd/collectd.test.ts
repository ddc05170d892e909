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

const PARTS = hex(`
  00 00 00 09 68 6f 73 74 00               # host part, "host"
  00 08 00 0c 00 00 00 01 00 00 00 00      # high-resolution time
  00 02 00 08 63 70 75 00                  # plugin "cpu"
  00 06 00 0f 00 01 02 00 00 00 00 00 00 00 00   # values: one derive value
`);
const BAD = hex('00 00 ff ff 68 6f 73 74 00 00 00 00'); // part longer than the datagram

test('collectd: plain parts', () => {
  const r = identify([{ dir: 0, payload: PARTS }], { transport: 'udp', serverPort: 25826 });
  assert.equal(r['protocol'], 'collectd');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['collectd'], { security: 'plain' });
});

test('collectd: truncated part refused off-port; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 40000 });
  assert.ok(notByDpi(r, 'collectd'));
  fuzz(PARTS, 'udp', 25826, 0);
});
