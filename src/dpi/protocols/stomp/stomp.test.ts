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


test('STOMP CONNECT and CONNECTED', () => {
  const r = identify([
    { dir: 0, payload: 'CONNECT\naccept-version:1.1,1.2\nhost:broker.example\n\n\0' },
    { dir: 1, payload: 'CONNECTED\nversion:1.2\nheart-beat:0,0\n\n\0' },
  ], { transport: 'tcp', serverPort: 61613 });
  assert.equal(r['protocol'], 'STOMP');
  assert.deepEqual(r['stomp'], { version: '1.1,1.2' });
  // STOMP 1.2 frame name with CR LF line ends
  assert.equal(identify([{ dir: 0, payload: 'STOMP\r\naccept-version:1.2\r\nhost:/\r\n\r\n\0' }], { transport: 'tcp', serverPort: 40000 })['protocol'], 'STOMP');
});

test('STOMP refuses other commands, bare frames and bad headers', () => {
  assert.equal(identify([{ dir: 0, payload: 'SEND\ndestination:/queue/a\n\nbody\0' }], { transport: 'tcp', serverPort: 61613 })['stomp'], null);
  assert.equal(identify([{ dir: 0, payload: 'CONNECT\n\n\0' }], { transport: 'tcp', serverPort: 61613 })['stomp'], null);
  assert.equal(identify([{ dir: 0, payload: 'CONNECT\naccept-version 1.2\n\n\0' }], { transport: 'tcp', serverPort: 61613 })['stomp'], null);
  assert.notEqual(identify([{ dir: 0, payload: 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n' }], { transport: 'tcp', serverPort: 8080 })['protocol'], 'STOMP');
  fuzz(enc('CONNECT\naccept-version:1.2\nhost:a\n\n\0'), 'tcp', 61613);
  void hex; void cat;
});
