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


const HEADER = hex(`
  4a 52 4d 49 # 'JRMI'
  00 02       # version 2
  4b          # StreamProtocol
`);

test('Java RMI header names the flow', () => {
  const ack = cat(hex('4e 00 09'), enc('127.0.0.1'), hex('00 00 86 92')); // ProtocolAck, host, port
  const r = identify([{ dir: 0, payload: HEADER }, { dir: 1, payload: ack }], { transport: 'tcp', serverPort: 1099 });
  assert.equal(r['protocol'], 'JRMI');
  assert.deepEqual(r['jrmi'], { protocol: 'stream' });
});

test('Java RMI refuses other versions and protocols', () => {
  assert.equal(identify([{ dir: 0, payload: hex('4a 52 4d 49 00 03 4b') }], { transport: 'tcp', serverPort: 1099 })['jrmi'], null);
  assert.equal(identify([{ dir: 0, payload: hex('4a 52 4d 49 00 02 4e') }], { transport: 'tcp', serverPort: 1099 })['jrmi'], null);
  assert.equal(identify([{ dir: 0, payload: enc('JRMIX') }], { transport: 'tcp', serverPort: 1099 })['jrmi'], null);
  fuzz(HEADER, 'tcp', 1099);
});
