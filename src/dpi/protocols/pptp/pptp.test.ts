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


const SCCRQ = cat(hex(`
  00 9c       # length 156
  00 01       # PPTP message type 1: control
  1a 2b 3c 4d # magic cookie
  00 01       # control message type 1: Start-Control-Connection-Request
  00 00       # reserved0
  01 00       # protocol version 1.0
  00 00       # reserved1
  00 00 00 03 # framing capabilities
  00 00 00 03 # bearer capabilities
  ff ff       # maximum channels
  00 01       # firmware revision
`), new Uint8Array(128)); // host name and vendor string (64 bytes each, not output)

test('PPTP Start-Control-Connection-Request names the flow', () => {
  assert.equal(SCCRQ.length, 156);
  const r = identify([{ dir: 0, payload: SCCRQ }], { transport: 'tcp', serverPort: 1723 });
  assert.equal(r['protocol'], 'PPTP');
  assert.deepEqual(r['pptp'], { first_message: 1 });
});

test('PPTP refuses a wrong cookie, length or message type', () => {
  for (const [i, v] of [[7, 0x4e], [1, 0x9d], [9, 16], [3, 3]] as const) {
    const m = Uint8Array.from(SCCRQ);
    m[i] = v;
    assert.equal(identify([{ dir: 0, payload: m }], { transport: 'tcp', serverPort: 1723 })['pptp'], null, `byte ${i}`);
  }
  fuzz(SCCRQ, 'tcp', 1723);
  void enc;
});
