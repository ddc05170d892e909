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

const handshake = cat(hex(`
  01 21 01 01 01 01 01 01   # Levin signature
  06 01 00 00 00 00 00 00   # body size 262
  01                        # have to return
  e9 03 00 00               # command 1001 (handshake)
  00 00 00 00               # return code
  01 00 00 00               # flags: request
  01 00 00 00               # protocol version 1
`), new Uint8Array(16));

test('Monero Levin handshake', () => {
  const r = identify([{ dir: 0, payload: handshake }], { transport: 'tcp', serverPort: 18080 });
  assert.equal(r['protocol'], 'Monero');
  assert.deepEqual(r['monero'], { command: 1001 });
});

test('Monero: bad signature refused; fuzz', () => {
  const bad = Uint8Array.from(handshake);
  bad[1] = 0x22;
  assert.equal(identify([{ dir: 0, payload: bad }], { transport: 'tcp', serverPort: 18081 })['monero'], null);
  fuzz(handshake, 'tcp', 18080);
});
