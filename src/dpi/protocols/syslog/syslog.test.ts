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

test('Syslog RFC 5424 and 3164, facility and severity; the text is not output', () => {
  const r = identify([{ dir: 0, payload: '<165>1 2003-10-11T22:14:15.003Z host app 1 ID47 - secret message' }], { transport: 'udp', serverPort: 514 });
  assert.equal(r['protocol'], 'Syslog');
  assert.deepEqual(r['syslog'], { facility: 20, severity: 5, format: 'rfc5424' });
  assert.ok(!JSON.stringify(r).includes('secret'));
  const b = identify([{ dir: 0, payload: '<34>Oct 11 22:14:15 mymachine su: failed' }], { transport: 'udp', serverPort: 5140 });
  assert.deepEqual(b['syslog'], { facility: 4, severity: 2, format: 'rfc3164' });
  const t = identify([{ dir: 0, payload: '87 <13>1 2021-04-18T14:51:48+04:00 host app - - - x\n' }], { transport: 'tcp', serverPort: 6514 });
  assert.equal(t['protocol'], 'Syslog');
});

test('Syslog: PRI out of range or with a leading zero is refused; fuzz', () => {
  assert.equal(identify([{ dir: 0, payload: '<192>1 2003-10-11T22:14:15Z h a' }], { transport: 'udp', serverPort: 514 })['syslog'], null);
  assert.equal(identify([{ dir: 0, payload: '<013>hello' }], { transport: 'udp', serverPort: 514 })['syslog'], null);
  fuzz(enc('<165>1 2003-10-11T22:14:15.003Z host app - - -'), 'udp', 514);
});
