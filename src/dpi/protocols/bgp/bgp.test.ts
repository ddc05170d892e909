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

const open = hex(`
  ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff   # marker
  00 1d 01      # length 29, OPEN
  04            # version 4
  fd e8         # my AS 65000
  00 b4         # hold time 180
  0a 00 00 01   # BGP identifier
  00            # no optional parameters
`);

test('BGP OPEN: AS number', () => {
  const r = identify([{ dir: 0, payload: open }], { transport: 'tcp', serverPort: 179 });
  assert.equal(r['protocol'], 'BGP');
  assert.deepEqual(r['bgp'], { first_message: 'OPEN', asn: 65000 });
});

test('BGP: a KEEPALIVE of the wrong length refused; fuzz', () => {
  const ka = cat(new Uint8Array(16).fill(0xff), hex('00 14 04 00'));
  assert.equal(identify([{ dir: 0, payload: ka }], { transport: 'tcp', serverPort: 1790 })['bgp'], null);
  fuzz(open, 'tcp', 179);
});
