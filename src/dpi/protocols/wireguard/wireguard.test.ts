import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identify } from '../../../test-support/dpi-test-kit.js';
import { mutate, seededRandom } from '../../../test-support/prng.js';
import { messageType } from './index.js';

const msg = (type: number, len: number, fill: (b: Uint8Array) => void = () => {}): Uint8Array => {
  const b = new Uint8Array(len).fill(0x5a);
  b.set([type, 0, 0, 0]);
  fill(b);
  return b;
};
// initiation: type 1, sender index 0x11223344 (LE), 148 bytes
const INIT = msg(1, 148, (b) => b.set([0x44, 0x33, 0x22, 0x11], 4));
// response: type 2, its sender index, then receiver index = the initiator's, 92 bytes
const RESP = msg(2, 92, (b) => (b.set([1, 2, 3, 4], 4), b.set([0x44, 0x33, 0x22, 0x11], 8)));
// transport data: receiver index, counter (LE 64-bit), 16-byte multiple
const DATA = (counter: number): Uint8Array => msg(4, 64, (b) => (b.set([9, 9, 9, 9], 4), b.set([counter, 0, 0, 0, 0, 0, 0, 0], 8)));

test('a handshake whose response names the initiator', () => {
  const r = identify([{ dir: 0, payload: INIT }, { dir: 1, payload: RESP }], { transport: 'udp', serverPort: 51820 });
  assert.equal(r['protocol'], 'WireGuard');
  assert.equal(r['category'], 'VPN');
  const wrong = msg(2, 92, (b) => b.set([9, 9, 9, 9], 8));
  assert.notEqual(identify([{ dir: 0, payload: INIT }, { dir: 1, payload: wrong }], { transport: 'udp', serverPort: 40000 })['protocol'], 'WireGuard');
});

test('transport data with one receiver index and a rising counter', () => {
  const r = identify([1, 2, 3].map((c) => ({ dir: 0 as const, payload: DATA(c) })), { transport: 'udp', serverPort: 40000 });
  assert.equal(r['protocol'], 'WireGuard');
  const replay = identify([1, 1, 1].map((c) => ({ dir: 0 as const, payload: DATA(c) })), { transport: 'udp', serverPort: 40000 });
  assert.notEqual(replay['protocol'], 'WireGuard');
});

test('exact lengths and zero reserved bytes', () => {
  assert.equal(messageType(INIT, 0, 147), 0);
  assert.equal(messageType(msg(4, 60), 0, 60), 0);
  const r = Uint8Array.from(INIT);
  r[2] = 1;
  assert.equal(messageType(r, 0, r.length), 0);
});

test('fuzz: mutated messages never throw', () => {
  const rnd = seededRandom(51820);
  for (let k = 0; k < 2000; k++) {
    const m = mutate(k % 2 ? INIT : RESP, rnd);
    messageType(m, 0, m.length);
  }
  for (let k = 0; k < 50; k++) identify([{ dir: 0, payload: mutate(INIT, rnd) }, { dir: 1, payload: mutate(RESP, rnd) }], { transport: 'udp', serverPort: 51820 });
});
