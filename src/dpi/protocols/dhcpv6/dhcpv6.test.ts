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

const solicit = hex(`
  01 12 34 56         # SOLICIT, transaction id
  00 01 00 0a 00 03 00 01 00 11 22 33 44 55   # client id (DUID-LL)
  00 08 00 02 00 00   # elapsed time
`);

test('DHCPv6 SOLICIT', () => {
  const r = identify([{ dir: 0, payload: solicit }], { transport: 'udp', clientPort: 546, serverPort: 547, client: 'fe80::1', server: 'ff02::1:2' });
  assert.equal(r['protocol'], 'DHCPv6');
  assert.deepEqual(r['dhcpv6'], { message_type: 'SOLICIT' });
});

test('DHCPv6: options that do not tile the datagram are refused; fuzz', () => {
  const bad = solicit.subarray(0, solicit.length - 1);
  assert.equal(identify([{ dir: 0, payload: bad }], { transport: 'udp', serverPort: 547 })['dhcpv6'], null);
  fuzz(solicit, 'udp', 547);
});
