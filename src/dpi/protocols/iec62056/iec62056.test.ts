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

const WRAPPED = hex(`
  00 01   # wrapper version 1
  00 10   # source wPort (client)
  00 01   # destination wPort (management logical device)
  00 0d   # length of the APDU: 13
  c0 01 c1 00 08 00 00 01 00 00 ff 02 00   # get-request-normal (COSEM)
`);
const HDLC = hex(`
  7e          # flag
  a0 07       # frame format type 3, length 7
  03 21       # destination, source address
  93          # control: SNRM
  12 34       # header check sequence
  7e          # flag
`);
const BAD = Uint8Array.from(WRAPPED);
BAD[1] = 0x02; // wrapper version 2

test('IEC62056: TCP-UDP wrapper', () => {
  const r = identify([{ dir: 0, payload: WRAPPED }], { transport: 'tcp', serverPort: 4059 });
  assert.equal(r['protocol'], 'IEC62056');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['iec62056'], { framing: 'wrapper' });
});

test('IEC62056: HDLC frame over UDP', () => {
  const r = identify([{ dir: 0, payload: HDLC }], { transport: 'udp', serverPort: 4059 });
  assert.deepEqual(r['iec62056'], { framing: 'hdlc' });
});

test('IEC62056: unknown wrapper version refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'tcp', serverPort: 4059 });
  assert.ok(notByDpi(r, 'IEC62056'));
  fuzz(WRAPPED, 'tcp', 4059, 0);
});
