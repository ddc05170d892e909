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

const smb2 = cat(hex(`
  00 00 00 48   # NetBIOS session message, length 72
  fe 53 4d 42   # SMB2 protocol id
  40 00         # structure size 64
`), new Uint8Array(66));
const smb1 = cat(hex(`
  00 00 00 2f   # session message, length 47
  ff 53 4d 42   # SMB1
  72            # NEGOTIATE
`), new Uint8Array(42));

test('SMB2 and SMB1 after the NetBIOS session header', () => {
  assert.equal(identify([{ dir: 0, payload: smb2 }], { transport: 'tcp', serverPort: 445 })['protocol'], 'SMBv2');
  const r = identify([{ dir: 0, payload: smb1 }], { transport: 'tcp', serverPort: 445 });
  assert.equal(r['protocol'], 'SMBv1');
  assert.deepEqual(r['smb'], { dialect: 'SMB1', command: 'NEGOTIATE' });
});

test('SMB: wrong magic refused; fuzz', () => {
  const bad = Uint8Array.from(smb2);
  bad[5] = 0x54;
  assert.equal(identify([{ dir: 0, payload: bad }], { transport: 'tcp', serverPort: 4450 })['smb'], null);
  fuzz(smb2, 'tcp', 445);
});
