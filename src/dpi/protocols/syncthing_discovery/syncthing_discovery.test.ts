import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';
import { mutate, seededRandom } from '../../../test-support/prng.js';
import { isAnnouncement } from './index.js';

const ANNOUNCE = hex(`
  2ea7d90b  # magic
  0a 20     # Announce.id: bytes, 32
  0000000000000000000000000000000000000000000000000000000000000000  # device id (zeroed)
  12 12 7463703a2f2f3139322e302e322e313a  # Announce.addresses: 'tcp://192.0.2.1:' (synthetic, cut)
  3232303030          # '22000'
  18 2a               # Announce.instance_id: 42
`);

test('Syncthing local discovery announcement', () => {
  const r = identify([{ dir: 0, payload: ANNOUNCE }], { transport: 'udp', serverPort: 21027, clientPort: 40000, server: '192.0.2.255' });
  assert.equal(r['protocol'], 'Syncthing');
  // IPv6 multicast too
  assert.equal(identify([{ dir: 0, payload: ANNOUNCE }], { transport: 'udp', serverPort: 21027, client: 'fe80::1', server: 'ff12::8384' })['protocol'], 'Syncthing');
});

test('Syncthing refuses another magic or a missing device id', () => {
  const m = Uint8Array.from(ANNOUNCE);
  m[3] = 0x0c;
  assert.equal(isAnnouncement(m, 0, m.length), false);
  const noId = Uint8Array.from(ANNOUNCE);
  noId[5] = 0x10;
  assert.equal(isAnnouncement(noId, 0, noId.length), false);
  assert.notEqual(identify([{ dir: 0, payload: m }], { transport: 'udp', serverPort: 21027 })['confidence'], 'dpi');
});

test('Syncthing fuzz: mutated announcements never throw', () => {
  const rnd = seededRandom(21027);
  for (let k = 0; k < 2000; k++) {
    const x = mutate(ANNOUNCE, rnd);
    isAnnouncement(x, 0, x.length);
  }
  for (let k = 0; k < 60; k++) identify([{ dir: 0, payload: mutate(ANNOUNCE, rnd) }], { transport: 'udp', serverPort: 21027 });
});
