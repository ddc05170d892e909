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

const REQUEST = hex(`
  00 00 00 0f   # length 15, the whole datagram
  01            # version 1
  00            # protocol type: S-Bus
  00 07         # sequence number
  00            # telegram attribute: request
  01 06 00 10   # S-Bus telegram: station, command, address
  12 34         # CRC
`);
const BAD = Uint8Array.from(REQUEST);
BAD[3] = 0x20; // length disagrees with the datagram

test('Ether-S-Bus: request telegram', () => {
  const r = identify([{ dir: 0, payload: REQUEST }], { transport: 'udp', serverPort: 5050 });
  assert.equal(r['protocol'], 'Ether-S-Bus');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['ether_s_bus'], { telegram: 'request' });
});

test('Ether-S-Bus: length mismatch refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 5050 });
  assert.ok(notByDpi(r, 'Ether-S-Bus'));
  fuzz(REQUEST, 'udp', 5050, 0);
});
