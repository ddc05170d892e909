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

import { crcCcitt } from './index.js';
const withCrc = (body: Uint8Array): Uint8Array => {
  const c = crcCcitt(body, 0, body.length);
  return cat(body, Uint8Array.of(c >> 8, c & 0xff));
};
const COMMAND = withCrc(hex(`
  aa 41         # SYNC: frame type 4 (command), version 1
  00 12         # frame size 18
  00 01         # IDCODE
  5f 00 00 00   # SOC
  00 00 00 00   # FRACSEC
  00 05         # command 5: send config-2
`));
const BAD = Uint8Array.from(COMMAND);
BAD[17] = BAD[17]! ^ 0xff; // broken CRC

test('IEEE-C37118: command frame with its CRC', () => {
  const r = identify([{ dir: 0, payload: COMMAND }], { transport: 'tcp', serverPort: 4712 });
  assert.equal(r['protocol'], 'IEEE-C37118');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['ieee_c37118'], { frame: 'command' });
});

test('IEEE-C37118: CRC-CCITT reference value', () => {
  // CRC-16/CCITT-FALSE of "123456789" is 0x29B1
  assert.equal(crcCcitt(enc('123456789'), 0, 9), 0x29b1);
});

test('IEEE-C37118: bad CRC refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'tcp', serverPort: 4712 });
  assert.ok(notByDpi(r, 'IEEE-C37118'));
  fuzz(COMMAND, 'tcp', 4712, 0);
});
