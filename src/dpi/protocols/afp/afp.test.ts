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


const COMMAND = hex(`
  00          # flags: request
  02          # DSICommand
  22 c6       # request id
  00 00 00 00 # error code
  00 00 00 06 # total data length 6
  00 00 00 00 # reserved
  11 00 00 02 0e 1c # AFP call (FPGetSrvrParms … not interpreted)
`);

test('AFP over DSI: a request header with its data', () => {
  const r = identify([{ dir: 0, payload: COMMAND }], { transport: 'tcp', serverPort: 548 });
  assert.equal(r['protocol'], 'AFP');
  assert.deepEqual(r['afp'], { dsi_command: 'Command' });
  const tickle = hex('01 05 00 01 00 00 00 00 00 00 00 00 00 00 00 00'); // reply to DSITickle
  assert.equal(identify([{ dir: 1, payload: tickle }], { transport: 'tcp', serverPort: 548 })['protocol'], 'AFP');
});

test('AFP refuses bad flags, commands, reserved fields and other ports', () => {
  for (const [i, v] of [[0, 2], [1, 7], [15, 1], [7, 1]] as const) {
    const m = Uint8Array.from(COMMAND);
    m[i] = v;
    assert.equal(identify([{ dir: 0, payload: m }], { transport: 'tcp', serverPort: 548 })['afp'], null, `byte ${i}`);
  }
  assert.equal(identify([{ dir: 0, payload: COMMAND }], { transport: 'tcp', serverPort: 549 })['afp'], null);
  fuzz(COMMAND, 'tcp', 548);
  void enc; void cat;
});
