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

const FDT = cat(hex(`
  10            # LCT version 1, C 0, PSI 0
  10            # S 0, O 0, H 1 (16-bit TSI and TOI)
  04            # header length: 4 words
  00            # codepoint
  00 00 00 00   # congestion control information
  00 01         # TSI
  00 00         # TOI 0: the FDT
  c0 10 00 01   # EXT_FDT: FLUTE version 1, FDT instance 1
  00 00 00 00   # FEC payload id
`), enc('<?xml version="1.0"?><FDT-Instance/>'));
const BAD = Uint8Array.from(FDT);
BAD[2] = 0x05; // header length 5 words: the extension walk does not end there

test('FLUTE: FDT packet', () => {
  const r = identify([{ dir: 0, payload: FDT }], { transport: 'udp', serverPort: 40000 });
  assert.equal(r['protocol'], 'FLUTE');
  assert.equal(r['confidence'], 'dpi');
});

test('FLUTE: inconsistent header length refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 40000 });
  assert.ok(notByDpi(r, 'FLUTE'));
  fuzz(FDT, 'udp', 40000, 0);
});
