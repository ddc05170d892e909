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

const client = cat(hex('23 00 06 20'), new Uint8Array(44)); // LI 0, version 4, mode 3 (client); stratum 0, poll 6, precision

test('NTP client request', () => {
  const r = identify([{ dir: 0, payload: client }], { transport: 'udp', serverPort: 123 });
  assert.equal(r['protocol'], 'NTP');
  assert.deepEqual(r['ntp'], { version: 4, mode: 'client' });
});

test('NTP mode 7 (ntpdc) and bad versions; fuzz', () => {
  const priv = hex('17 00 03 2a 00 00 00 00'); // response bit 0, version 2, mode 7; impl 3, request 42
  assert.equal(identify([{ dir: 0, payload: priv }], { transport: 'udp', serverPort: 123 })['protocol'], 'NTP');
  const bad = Uint8Array.from(client);
  bad[0] = 0x3b; // version 7
  assert.equal(identify([{ dir: 0, payload: bad }], { transport: 'udp', serverPort: 123 })['ntp'], null);
  fuzz(client, 'udp', 123);
});
