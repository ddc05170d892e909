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
  02            # SLP version 2
  01            # function: SrvRqst
  00 00 21      # length 33
  00 00         # flags
  00 00 00      # next extension offset
  12 34         # XID
  00 02 65 6e   # language tag "en"
  00 00         # PR list: empty
  00 07 73 65 72 76 69 63 65   # service type "service"
  00 00 00 00 00 00            # scope list, predicate, SPI: empty
`);
const BAD = Uint8Array.from(REQUEST);
BAD[4] = 0x40; // length 64 > datagram

test('Service_Location_Protocol: v2 service request', () => {
  const r = identify([{ dir: 0, payload: REQUEST }], { transport: 'udp', serverPort: 427 });
  assert.equal(r['protocol'], 'Service_Location_Protocol');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['slp'], { version: 2, function: 'SrvRqst' });
});

test('Service_Location_Protocol: length mismatch refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 427 });
  assert.ok(notByDpi(r, 'Service_Location_Protocol'));
  fuzz(REQUEST, 'udp', 427, 0);
});
