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

const startup = cat(hex(`
  00 00 00 29   # length 41
  00 03 00 00   # protocol 3.0
`), enc('user\0alice\0database\0shop\0\0'));

test('PostgreSQL startup answered by authentication; user and database not output', () => {
  const r = identify([{ dir: 0, payload: startup }, { dir: 1, payload: hex('52 00 00 00 08 00 00 00 00') }], { transport: 'tcp', serverPort: 5432 });
  assert.equal(r['protocol'], 'PostgreSQL');
  assert.ok(!JSON.stringify(r).includes('alice'));
  const ssl = identify([{ dir: 0, payload: hex('00 00 00 08 04 d2 16 2f') }, { dir: 1, payload: 'S' }], { transport: 'tcp', serverPort: 5432 });
  assert.deepEqual(ssl['postgresql'], { request: 'ssl', tls: true });
});

test('PostgreSQL: unknown code refused; fuzz', () => {
  assert.equal(identify([{ dir: 0, payload: hex('00 00 00 08 01 02 03 04') }], { transport: 'tcp', serverPort: 5433 })['postgresql'], null);
  fuzz(startup, 'tcp', 5432);
});
