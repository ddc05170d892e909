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

test('Stratum mining.subscribe and CryptoNote login; wallet not output', () => {
  const r = identify([{ dir: 0, payload: '{"id":1,"method":"mining.subscribe","params":["cgminer/4.10"]}\n' }], { transport: 'tcp', serverPort: 3333 });
  assert.equal(r['protocol'], 'Stratum');
  assert.deepEqual(r['stratum'], { method: 'mining.subscribe', agent: 'cgminer/4.10' });
  const x = identify([{ dir: 0, payload: '{"id":1,"jsonrpc":"2.0","method":"login","params":{"login":"4WALLET","pass":"x","agent":"XMRig/6.0"}}\n' }], { transport: 'tcp', serverPort: 14444 });
  assert.deepEqual(x['stratum'], { method: 'login', agent: 'XMRig/6.0' });
  assert.ok(!JSON.stringify(x).includes('4WALLET'));
});

test('Stratum: other JSON-RPC refused; fuzz', () => {
  assert.equal(identify([{ dir: 0, payload: '{"id":1,"method":"login","params":["x"]}\n' }], { transport: 'tcp', serverPort: 3334 })['stratum'], null);
  fuzz(enc('{"id":1,"method":"mining.authorize","params":["w","x"]}\n'), 'tcp', 3333);
});
