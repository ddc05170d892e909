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


const BEGIN = hex(`
  01          # version 1
  01          # type 1: FCGI_BEGIN_REQUEST
  00 01       # request id 1
  00 08       # content length 8
  00          # padding length
  00          # reserved
  00 01       # role 1: RESPONDER
  00          # flags: close the connection after the request
  00 00 00 00 00 # reserved
  01 04 00 01 00 00 00 00 # FCGI_PARAMS of request 1, empty
`);

test('FastCGI BEGIN_REQUEST names the flow', () => {
  const r = identify([{ dir: 0, payload: BEGIN }], { transport: 'tcp', serverPort: 9000 });
  assert.equal(r['protocol'], 'FastCGI');
  assert.deepEqual(r['fastcgi'], { role: 'responder' });
});

test('FastCGI refuses bad roles, request id 0 and wrong lengths', () => {
  for (const [i, v] of [[9, 4], [3, 0], [5, 9], [12, 1], [17, 12]] as const) {
    const m = Uint8Array.from(BEGIN);
    m[i] = v;
    assert.equal(identify([{ dir: 0, payload: m }], { transport: 'tcp', serverPort: 9000 })['fastcgi'], null, `byte ${i}`);
  }
  fuzz(BEGIN, 'tcp', 9000);
  void enc; void cat;
});
