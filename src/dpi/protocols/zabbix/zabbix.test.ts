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

const msg = cat(hex(`
  5a 42 58 44   # "ZBXD"
  01            # flags: Zabbix protocol
  0d 00 00 00   # data length 13 (little endian)
  00 00 00 00   # reserved
`), enc('agent.version'));

test('Zabbix header names the flow on any port', () => {
  const r = identify([{ dir: 0, payload: msg }], { transport: 'tcp', serverPort: 31000 });
  assert.equal(r['protocol'], 'Zabbix');
  assert.deepEqual(r['zabbix'], { compressed: false });
});

test('Zabbix: bad flags are refused; fuzz', () => {
  const bad = Uint8Array.from(msg);
  bad[4] = 0x80;
  assert.equal(identify([{ dir: 0, payload: bad }], { transport: 'tcp', serverPort: 31000 })['zabbix'], null);
  fuzz(msg, 'tcp', 10051);
});
