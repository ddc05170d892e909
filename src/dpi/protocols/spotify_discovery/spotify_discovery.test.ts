import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';
import { mutate, seededRandom } from '../../../test-support/prng.js';
import { isSpotifyDiscovery } from './index.js';

const ANNOUNCE = hex(`
  53706f74 55647030   # 'SpotUdp0'
  0102030405060708 0000 0001 0004 00000000 1111111111111111 2222222222222222  # synthetic body
`);

test('Spotify discovery broadcast on 57621', () => {
  const r = identify([{ dir: 0, payload: ANNOUNCE }], { transport: 'udp', serverPort: 57621, clientPort: 57621, server: '192.0.2.255' });
  assert.equal(r['application'], 'Spotify');
  assert.equal(r['category'], 'Music');
});

test('Spotify refuses another magic and a bare magic', () => {
  const other = Uint8Array.from(ANNOUNCE);
  other[7] = 0x31; // 'SpotUdp1'
  assert.equal(isSpotifyDiscovery(other, 0, other.length), false);
  assert.equal(isSpotifyDiscovery(ANNOUNCE, 0, 8), false);
  assert.notEqual(identify([{ dir: 0, payload: other }], { transport: 'udp', serverPort: 57621 })['application'], 'Spotify');
});

test('Spotify fuzz: mutated announcements never throw', () => {
  const rnd = seededRandom(57621);
  for (let k = 0; k < 2000; k++) {
    const m = mutate(ANNOUNCE, rnd);
    isSpotifyDiscovery(m, 0, m.length);
  }
  for (let k = 0; k < 60; k++) identify([{ dir: 0, payload: mutate(ANNOUNCE, rnd) }], { transport: 'udp', serverPort: 57621 });
});
