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

const hello = hex(`
  00 01 00 1e   # version 1, PDU length 30
  0a 00 00 01 00 00   # LSR id, label space
  01 00 00 14   # Hello, length 20
  00 00 00 01   # message id
  04 00 00 04 00 0f 00 00   # common hello parameters TLV
  04 01 00 04 0a 00 00 01   # IPv4 transport address TLV
`);

test('LDP Hello over UDP', () => {
  const r = identify([{ dir: 0, payload: hello }], { transport: 'udp', serverPort: 646 });
  assert.equal(r['protocol'], 'LDP');
  assert.deepEqual(r['ldp'], { first_message: 'Hello' });
});

test('LDP: version 2 refused; fuzz', () => {
  const bad = Uint8Array.from(hello);
  bad[1] = 2;
  assert.equal(identify([{ dir: 0, payload: bad }], { transport: 'udp', serverPort: 646 })['ldp'], null);
  fuzz(hello, 'udp', 646);
});
