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

test('FTP: greeting and USER name the flow; PASS raises the risk without storing it', () => {
  const r = identify([
    { dir: 1, payload: '220 (vsFTPd 3.0.3)\r\n' },
    { dir: 0, payload: 'USER alice\r\n' },
    { dir: 1, payload: '331 Please specify the password.\r\n' },
    { dir: 0, payload: 'PASS s3cret\r\n' },
  ], { transport: 'tcp', serverPort: 21 });
  assert.equal(r['protocol'], 'FTP');
  assert.deepEqual(r['risks'], ['clear_text_credentials']);
  assert.ok(!JSON.stringify(r).includes('s3cret'));
});

test('FTP AUTH TLS answered 234 is FTPS; fuzz', () => {
  const r = identify([
    { dir: 1, payload: '220 FTP server\r\n' },
    { dir: 0, payload: 'AUTH TLS\r\n' },
    { dir: 1, payload: '234 Proceed with negotiation.\r\n' },
  ], { transport: 'tcp', serverPort: 21 });
  assert.equal(r['protocol'], 'FTPS');
  fuzz(enc('220 FTP ready\r\n'), 'tcp', 21, 1);
});
