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

test('IMAP: * OK greeting, tagged LOGIN is a risk; STARTTLS upgrades to IMAPS', () => {
  const r = identify([
    { dir: 1, payload: '* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n' },
    { dir: 0, payload: 'a1 CAPABILITY\r\n' },
    { dir: 1, payload: '* CAPABILITY IMAP4rev1 STARTTLS\r\na1 OK done\r\n' },
    { dir: 0, payload: 'a2 STARTTLS\r\n' },
    { dir: 1, payload: 'a2 OK Begin TLS\r\n' },
  ], { transport: 'tcp', serverPort: 143 });
  assert.equal(r['protocol'], 'IMAPS');
  const r2 = identify([
    { dir: 1, payload: '* OK ready\r\n' },
    { dir: 0, payload: 'x LOGIN bob secret\r\n' },
  ], { transport: 'tcp', serverPort: 143 });
  assert.equal(r2['protocol'], 'IMAP');
  assert.deepEqual(r2['risks'], ['clear_text_credentials']);
  assert.ok(!JSON.stringify(r2).includes('secret'));
});

test('IMAP: a non-IMAP greeting is refused; fuzz', () => {
  const r = identify([{ dir: 1, payload: '* HELLO there\r\n' }], { transport: 'tcp', serverPort: 1430 });
  assert.equal(r['imap'], null);
  fuzz(enc('* OK IMAP ready\r\n'), 'tcp', 143, 1);
});
