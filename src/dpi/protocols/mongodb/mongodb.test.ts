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

const opMsg = hex(`
  2a 00 00 00   # messageLength 42
  01 00 00 00   # requestID
  00 00 00 00   # responseTo
  dd 07 00 00   # opCode 2013 OP_MSG
  00 00 00 00   # flagBits
  00            # section kind 0 (body)
  15 00 00 00 10 69 73 6d 61 73 74 65 72 00 01 00 00 00 00   # {ismaster: 1}
`);

test('MongoDB OP_MSG', () => {
  const r = identify([{ dir: 0, payload: opMsg }], { transport: 'tcp', serverPort: 27017 });
  assert.equal(r['protocol'], 'MongoDB');
  assert.deepEqual(r['mongodb'], { first_opcode: 'OP_MSG' });
});

test('MongoDB: a reply from the client or reserved flags refused; fuzz', () => {
  const bad = Uint8Array.from(opMsg);
  bad[17] = 0x01;
  assert.equal(identify([{ dir: 0, payload: bad }], { transport: 'tcp', serverPort: 27018 })['mongodb'], null);
  fuzz(opMsg, 'tcp', 27017);
});
