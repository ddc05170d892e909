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

// {"system":{"get_sysinfo":{}}} with the autokey XOR (key 171, then each cipher byte)
const SYSINFO = hex(`
  d0 f2   # '{"'
  81 f8 8b ff 9a f7 d5 ef 94 b6 d1 b4 c0 9f ec 95 e6 8f e1 87 e8 ca f0 8b f6 8b f6   # … '{}}}'
`);
// the same bytes XORed with a constant decode to non-JSON
const BAD = SYSINFO.map((b) => b ^ 0x5a);

test('TPLINK_SHP: obfuscated get_sysinfo', () => {
  const r = identify([{ dir: 0, payload: SYSINFO }], { transport: 'udp', serverPort: 9999 });
  assert.equal(r['protocol'], 'TPLINK_SHP');
  assert.equal(r['confidence'], 'dpi');
});

test('TPLINK_SHP over TCP: length prefix', () => {
  const r = identify([{ dir: 0, payload: cat(hex('00 00 00 1d'), SYSINFO) }], { transport: 'tcp', serverPort: 9999 });
  assert.equal(r['protocol'], 'TPLINK_SHP');
});

test('TPLINK_SHP: bytes that do not decode to JSON refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 9999 });
  assert.ok(notByDpi(r, 'TPLINK_SHP'));
  fuzz(SYSINFO, 'udp', 9999, 0);
});
