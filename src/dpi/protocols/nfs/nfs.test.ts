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

const call = hex(`
  6a 0b 3c 01   # xid
  00 00 00 00   # CALL
  00 00 00 02   # RPC version 2
  00 01 86 a3   # program 100003 (NFS)
  00 00 00 03   # version 3
  00 00 00 01   # procedure GETATTR
  00 00 00 00 00 00 00 00   # credential AUTH_NONE, length 0
  00 00 00 00 00 00 00 00   # verifier AUTH_NONE
  00 00 00 08 01 02 03 04 05 06 07 08   # file handle
`);

test('ONC RPC call to NFS over UDP and TCP', () => {
  const r = identify([{ dir: 0, payload: call }], { transport: 'udp', serverPort: 2049 });
  assert.equal(r['protocol'], 'NFS');
  assert.deepEqual(r['nfs'], { program: 'nfs', version: 3 });
  const t = identify([{ dir: 0, payload: cat(hex(`80 00 00 ${call.length.toString(16)}`), call) }], { transport: 'tcp', serverPort: 2049 });
  assert.equal(t['protocol'], 'NFS');
});

test('RPC to other programs is not NFS; fuzz', () => {
  const other = Uint8Array.from(call);
  other[14] = 0x99;
  assert.equal(identify([{ dir: 0, payload: other }], { transport: 'udp', serverPort: 20490 })['nfs'], null);
  fuzz(call, 'udp', 2049);
});
