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

const UUID_TAIL = '6c 97 11 d1 82 71 00 a0 24 42 df 7d';
const header = (iface: string): Uint8Array => hex(`
  04          # RPC version 4
  00          # packet type: request
  20 00       # flags
  00 00 00    # data representation: big endian, ASCII, IEEE
  00          # serial (high)
  de a0 00 00 ${UUID_TAIL}   # object UUID DEA00000-6C97-11D1-8271-00A02442DF7D
  ${iface}                   # interface UUID
  11 11 11 11 11 11 11 11 11 11 11 11 11 11 11 11   # activity UUID
  00 00 00 00   # server boot time
  00 00 00 01   # interface version
  00 00 00 00   # sequence number
  00 00 ffff ffff 00 00 00 00 00 00   # opnum, hints, fragment length/number, auth, serial (low)
`);
const CONNECT = header(`de a0 00 01 ${UUID_TAIL}`); // PNIO device interface
// another DCE/RPC interface, and an object UUID not of PNIO
const BAD = hex(`04 00 20 00 00 00 00 00 ${'00 '.repeat(16)} ${'12 '.repeat(16)} ${'11 '.repeat(16)} ${'00 '.repeat(24)}`);

test('PROFINET_IO: connectionless RPC to the PNIO device interface', () => {
  const r = identify([{ dir: 0, payload: CONNECT }], { transport: 'udp', serverPort: 34964 });
  assert.equal(r['protocol'], 'PROFINET_IO');
  assert.equal(r['confidence'], 'dpi');
});

test('PROFINET_IO: other RPC interfaces refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 34964 });
  assert.ok(notByDpi(r, 'PROFINET_IO'));
  fuzz(CONNECT, 'udp', 34964, 0);
});
