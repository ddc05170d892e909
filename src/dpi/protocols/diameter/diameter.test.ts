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

const CER = hex(`
  01            # version 1
  00 00 30      # length 48
  80            # flags: request
  00 01 01      # command 257: Capabilities-Exchange
  00 00 00 00   # application id
  00 00 00 01   # hop-by-hop id
  00 00 00 02   # end-to-end id
  00 00 01 08 40 00 00 0f 68 2e 6c 6f 63 61 6c 00   # Origin-Host AVP (264), length 15, padded
  00 00 01 0a 40 00 00 0c 00 00 00 00               # Vendor-Id AVP (266)
`);
const BAD = Uint8Array.from(CER);
BAD[4] = 0x8f; // reserved flag bits set

test('Diameter: capabilities exchange request', () => {
  const r = identify([{ dir: 0, payload: CER }], { transport: 'tcp', serverPort: 3868 });
  assert.equal(r['protocol'], 'Diameter');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['diameter'], { command: 'capabilities_exchange' });
});

test('Diameter: reserved flags refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'tcp', serverPort: 3868 });
  assert.ok(notByDpi(r, 'Diameter'));
  fuzz(CER, 'tcp', 3868, 0);
});
