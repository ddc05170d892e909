import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';
import { mutate, seededRandom } from '../../../test-support/prng.js';
import { isPhotonPing, photonCommands } from './index.js';

const CONNECT = hex(`
  ffff      # peer id: none yet
  00        # CRC disabled
  01        # one command
  00000004  # sent time
  22b6e6ba  # challenge
  02 ff 01 00  # command: connect, channel 0xff, flags, reserved
  0000002c     # command length 44, header included
  00000001     # reliable sequence number
  000004b0 00008000 00000002 00000000 00000000 00001388 00000000 0000  # connect parameters (32 bytes)
  0000
`);
const VERIFY = hex(`
  0000 00 02 7dfbd185 22b6e6ba     # peer id, no CRC, two commands, time, challenge
  01 ff 00 00 00000014 00000000    # acknowledge (20 bytes)
  00000001 00000004                #   acknowledged sequence number and sent time
  03 ff 01 00 0000002c 00000001    # verify connect (44 bytes)
  00000000 bbc804b0 00000000 00000000 00000000 00000000 00000000 00000000
`);

test('Photon connect and verify (nDPI: TocaBoca)', () => {
  assert.equal(photonCommands(CONNECT, 0, CONNECT.length), 1);
  assert.equal(photonCommands(VERIFY, 0, VERIFY.length), 2);
  const r = identify([{ dir: 0, payload: CONNECT }, { dir: 1, payload: VERIFY }], { transport: 'udp', serverPort: 5055 });
  assert.equal(r['protocol'], 'Photon');
  assert.equal(r['category'], 'Game');
});

test('Photon: the byte after the flags is not always 0 (clients send 4)', () => {
  const connect = Uint8Array.from(CONNECT);
  connect[15] = 0x04;
  assert.equal(photonCommands(connect, 0, connect.length), 1);
  assert.equal(identify([{ dir: 0, payload: connect }], { transport: 'udp', serverPort: 5055 })['protocol'], 'Photon');
  const badType = Uint8Array.from(CONNECT);
  badType[12] = 0x0d;
  assert.equal(photonCommands(badType, 0, badType.length), 0);
});

test('Photon region ping needs a Photon port', () => {
  const ping = Uint8Array.of(...new Array<number>(12).fill(0x7d), 0x12);
  assert.equal(isPhotonPing(ping, 0, ping.length), true);
  assert.equal(identify([{ dir: 0, payload: ping }], { transport: 'udp', serverPort: 5055 })['protocol'], 'Photon');
  assert.notEqual(identify([{ dir: 0, payload: ping }], { transport: 'udp', serverPort: 6055 })['confidence'], 'dpi');
});

test('Photon refuses commands that do not fill the datagram', () => {
  assert.equal(photonCommands(CONNECT, 0, CONNECT.length - 1), 0);
  const count = Uint8Array.from(VERIFY);
  count[3] = 3; // a third command that is not there
  assert.equal(photonCommands(count, 0, count.length), 0);
  const type = Uint8Array.from(CONNECT);
  type[12] = 0x40;
  assert.equal(photonCommands(type, 0, type.length), 0);
  assert.notEqual(identify([{ dir: 0, payload: type }], { transport: 'udp', serverPort: 5055 })['confidence'], 'dpi');
});

test('Photon fuzz: mutated packets never throw', () => {
  const rnd = seededRandom(5055);
  for (let k = 0; k < 2000; k++) {
    const m = mutate(k % 2 ? CONNECT : VERIFY, rnd);
    photonCommands(m, 0, m.length);
  }
  for (let k = 0; k < 60; k++) identify([{ dir: 0, payload: mutate(CONNECT, rnd) }, { dir: 1, payload: mutate(VERIFY, rnd) }], { transport: 'udp', serverPort: 5055 });
});
