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

const DISCOVERY = hex(`
  44 4c 45 50   # "DLEP"
  00 01         # signal: Peer Discovery
  00 08         # length 8
  00 04 00 04 72 74 72 31   # data item 4 (Peer Type), length 4
`);
const BAD = Uint8Array.from(DISCOVERY);
BAD[5] = 0x07; // signal type 7 (not a discovery signal)

test('DLEP: Peer Discovery signal', () => {
  const r = identify([{ dir: 0, payload: DISCOVERY }], { transport: 'udp', serverPort: 854 });
  assert.equal(r['protocol'], 'DLEP');
  assert.equal(r['confidence'], 'dpi');
});

test('DLEP: session initialization over TCP', () => {
  const init = hex('00 01 00 08 00 05 00 04 00 00 ea 60'); // Session Initialization, Heartbeat Interval 60000 ms
  assert.equal(identify([{ dir: 0, payload: init }], { transport: 'tcp', serverPort: 854 })['protocol'], 'DLEP');
});

test('DLEP: unknown signal refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 854 });
  assert.ok(notByDpi(r, 'DLEP'));
  fuzz(DISCOVERY, 'udp', 854, 0);
});
