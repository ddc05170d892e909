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

test('POP3: +OK greeting, USER/PASS is a clear-text credential risk (password never output)', () => {
  const r = identify([
    { dir: 1, payload: '+OK Dovecot ready.\r\n' },
    { dir: 0, payload: 'USER bob\r\n' },
    { dir: 1, payload: '+OK\r\n' },
    { dir: 0, payload: 'PASS hunter2\r\n' },
  ], { transport: 'tcp', serverPort: 110 });
  assert.equal(r['protocol'], 'POP3');
  assert.deepEqual(r['risks'], ['clear_text_credentials']);
  assert.ok(!JSON.stringify(r).includes('hunter2'));
});

test('POP3 STLS upgrades to POPS', () => {
  const r = identify([
    { dir: 1, payload: '+OK POP3 ready\r\n' },
    { dir: 0, payload: 'STLS\r\n' },
    { dir: 1, payload: '+OK Begin TLS negotiation\r\n' },
  ], { transport: 'tcp', serverPort: 110 });
  assert.equal(r['protocol'], 'POP3S'); // nDPI calls it POPS
  assert.deepEqual(r['pop3'], { greeting: 'POP3 ready', starttls: true });
});

test('POP3: not +OK is not POP3; fuzz', () => {
  const r = identify([{ dir: 1, payload: '-ERR nope\r\n' }], { transport: 'tcp', serverPort: 1100 });
  assert.equal(r['pop3'], null);
  fuzz(enc('+OK ready\r\n'), 'tcp', 110, 1);
});
