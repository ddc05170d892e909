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
void hex; void enc; void cat; void fuzz;

const prelogin = hex(`
  12 01 00 2f 00 00 01 00   # PRELOGIN, EOM, length 47, spid 0, packet 1, window 0
  00 00 1a 00 06            # VERSION at 26, 6 bytes
  01 00 20 00 01            # ENCRYPTION at 32, 1 byte
  02 00 21 00 01            # INSTOPT
  03 00 22 00 04            # THREADID
  04 00 26 00 01            # MARS
  ff                        # terminator
  0f 00 07 d0 00 00  00  00  00 00 00 00  00
`);

test('TDS PRELOGIN option table', () => {
  const r = identify([{ dir: 0, payload: prelogin }], { transport: 'tcp', serverPort: 1433 });
  assert.equal(r['protocol'], 'MsSQL-TDS');
  assert.deepEqual(r['tds'], { first_message: 'PRELOGIN' });
});

test('TDS: option offsets outside the packet refused; fuzz', () => {
  const bad = Uint8Array.from(prelogin);
  bad[10] = 0xff;
  assert.equal(identify([{ dir: 0, payload: bad }], { transport: 'tcp', serverPort: 14330 })['tds'], null);
  fuzz(prelogin, 'tcp', 1433);
});
