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

const get = hex(`
  30 26                 # SEQUENCE
  02 01 01              # version 2c
  04 06 70 75 62 6c 69 63   # community "public" (never output)
  a0 19                 # GetRequest
  02 04 12 34 56 78 02 01 00 02 01 00   # request id, error status, error index
  30 0b 30 09 06 05 2b 06 01 02 01 05 00   # varbinds
`);

test('SNMP v2c get: version and PDU, not the community', () => {
  const r = identify([{ dir: 0, payload: get }], { transport: 'udp', serverPort: 161 });
  assert.equal(r['protocol'], 'SNMP');
  assert.deepEqual(r['snmp'], { version: '2c', pdu: 'get-request' });
  assert.ok(!JSON.stringify(r).includes('public'));
});

test('SNMP: inconsistent length refused; fuzz', () => {
  assert.equal(identify([{ dir: 0, payload: get.subarray(0, 20) }], { transport: 'udp', serverPort: 161 })['snmp'], null);
  fuzz(get, 'udp', 161);
});
