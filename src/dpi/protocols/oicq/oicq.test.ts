import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';
import { mutate, seededRandom } from '../../../test-support/prng.js';
import { isOicq } from './index.js';

// a synthetic logout-style message (the QQ number is made up)
const MSG = hex(`
  02        # start flag
  3b0b      # client version
  0001      # command
  0017      # sequence number
  00bc614e  # QQ number (synthetic)
  00000000 00000000 0a1b2c3d 4e5f6071 8293a4b5  # encrypted body
  03        # end flag
`);

test('OICQ message to UDP 8000', () => {
  const r = identify([{ dir: 0, payload: MSG }], { transport: 'udp', serverPort: 8000 });
  assert.equal(r['protocol'], 'OICQ');
  assert.equal(r['category'], 'Chat');
});

test('OICQ refuses a wrong end flag, command 0 and other ports', () => {
  const noEnd = Uint8Array.from(MSG);
  noEnd[noEnd.length - 1] = 0x04;
  assert.equal(isOicq(noEnd, 0, noEnd.length), false);
  const zero = Uint8Array.from(MSG);
  zero[3] = 0;
  zero[4] = 0;
  assert.equal(isOicq(zero, 0, zero.length), false);
  assert.notEqual(identify([{ dir: 0, payload: MSG }], { transport: 'udp', serverPort: 9000 })['confidence'], 'dpi');
});

test('OICQ fuzz: mutated messages never throw', () => {
  const rnd = seededRandom(8000);
  for (let k = 0; k < 2000; k++) {
    const m = mutate(MSG, rnd);
    isOicq(m, 0, m.length);
  }
  for (let k = 0; k < 60; k++) identify([{ dir: 0, payload: mutate(MSG, rnd) }], { transport: 'udp', serverPort: 8000 });
});
