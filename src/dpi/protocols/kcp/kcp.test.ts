import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';
import { mutate, seededRandom } from '../../../test-support/prng.js';
import { kcpDatagram } from './index.js';

const PUSH = hex(`
  0a000000  # conv 10 (little-endian)
  51        # cmd: push
  00        # frg: last fragment
  8000      # wnd 128
  14000000  # ts
  00000000  # sn 0
  00000000  # una 0
  08000000  # len 8
  0001020304050607  # data
`);
const ACK = hex('0a000000 52 00 7f00 14000000 00000000 01000000 00000000'); // ack of sn 0, no data

test('KCP push with data, then its ack', () => {
  assert.deepEqual(kcpDatagram(PUSH, 0, PUSH.length), { conv: 10, segments: 1, dataBytes: 8 });
  const r = identify([{ dir: 0, payload: PUSH }, { dir: 1, payload: ACK }], { transport: 'udp', serverPort: 8000 });
  assert.equal(r['protocol'], 'KCP');
});

test('KCP: header-only datagrams need a second one of the same conversation', () => {
  assert.notEqual(identify([{ dir: 1, payload: ACK }], { transport: 'udp', serverPort: 40000 })['confidence'], 'dpi');
  assert.equal(identify([{ dir: 0, payload: ACK }, { dir: 1, payload: ACK }], { transport: 'udp', serverPort: 40000 })['protocol'], 'KCP');
});

test('KCP refuses lengths that do not fill the datagram and unknown commands', () => {
  assert.equal(kcpDatagram(PUSH, 0, PUSH.length - 1), null);
  const cmd = Uint8Array.from(PUSH);
  cmd[4] = 0x55;
  assert.equal(kcpDatagram(cmd, 0, cmd.length), null);
  const dataOnAck = Uint8Array.from(PUSH);
  dataOnAck[4] = 0x52;
  assert.equal(kcpDatagram(dataOnAck, 0, dataOnAck.length), null);
  assert.notEqual(identify([{ dir: 0, payload: cmd }], { transport: 'udp', serverPort: 8000 })['confidence'], 'dpi');
});

test('KCP fuzz: mutated datagrams never throw', () => {
  const rnd = seededRandom(8001);
  for (let k = 0; k < 2000; k++) {
    const m = mutate(PUSH, rnd);
    kcpDatagram(m, 0, m.length);
  }
  for (let k = 0; k < 60; k++) identify([{ dir: 0, payload: mutate(PUSH, rnd) }, { dir: 1, payload: mutate(ACK, rnd) }], { transport: 'udp', serverPort: 8000 });
});
