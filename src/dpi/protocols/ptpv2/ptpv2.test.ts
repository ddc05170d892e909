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

const SYNC = hex(`
  00            # transportSpecific 0, messageType 0 (Sync)
  02            # versionPTP 2
  00 2c         # messageLength 44
  00 00         # domain 0, reserved
  02 00         # flags: two-step
  00 00 00 00 00 00 00 00   # correction field
  00 00 00 00               # reserved
  00 11 22 ff fe 33 44 55 00 01   # source port identity
  00 07         # sequence id
  00            # control: Sync
  00            # log message interval
  00 00 5f 00 00 00 00 00 00 00   # origin timestamp
`);
const BAD = Uint8Array.from(SYNC);
BAD[1] = 0x01; // PTP version 1

test('PTPv2: Sync', () => {
  const r = identify([{ dir: 0, payload: SYNC }], { transport: 'udp', serverPort: 319 });
  assert.equal(r['protocol'], 'PTPv2');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['ptpv2'], { message: 'sync' });
});

test('PTPv2: version 1 refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 319 });
  assert.ok(notByDpi(r, 'PTPv2'));
  fuzz(SYNC, 'udp', 319, 0);
});
