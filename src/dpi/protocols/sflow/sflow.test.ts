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

const DATAGRAM = hex(`
  00 00 00 05   # version 5
  00 00 00 01   # agent address type: IPv4
  c0 00 02 01   # agent address
  00 00 00 00   # sub-agent id
  00 00 00 07   # sequence number
  00 00 10 00   # uptime (ms)
  00 00 00 01   # one sample
  00 00 00 02   # counters sample (enterprise 0, format 2)
  00 00 00 04   # sample length 4
  00 00 00 00
`);
const BAD = Uint8Array.from(DATAGRAM);
BAD[3] = 0x03; // version 3

test('sFlow: v5 datagram', () => {
  const r = identify([{ dir: 0, payload: DATAGRAM }], { transport: 'udp', serverPort: 6343 });
  assert.equal(r['protocol'], 'sFlow');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['sflow'], { version: 5 });
});

test('sFlow: unknown version refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 6343 });
  assert.ok(notByDpi(r, 'sFlow'));
  fuzz(DATAGRAM, 'udp', 6343, 0);
});
