import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';
import { mutate, seededRandom } from '../../../test-support/prng.js';
import { isLanSyncAnnouncement } from './index.js';

// a synthetic announcement: made-up host identifier and namespace ids
const ANNOUNCE = enc('{"host_int": 123456789, "version": [2, 0], "displayname": "", "port": 17500, "namespaces": [11, 22, 33]}');

test('Dropbox LAN sync announcement (broadcast, 17500 to 17500)', () => {
  const r = identify([{ dir: 0, payload: ANNOUNCE }], { transport: 'udp', serverPort: 17500, clientPort: 17500, server: '192.0.2.255' });
  assert.equal(r['application'], 'Dropbox');
  // the key may come after others
  assert.equal(isLanSyncAnnouncement(enc('{"version": [2, 0], "host_int": 1}\n'), 0, 35), true);
});

test('Dropbox refuses JSON without host_int and other ports', () => {
  const other = enc('{"version": [2, 0], "port": 17500, "displayname": ""}');
  assert.equal(isLanSyncAnnouncement(other, 0, other.length), false);
  assert.notEqual(identify([{ dir: 0, payload: other }], { transport: 'udp', serverPort: 17500 })['application'], 'Dropbox');
  assert.notEqual(identify([{ dir: 0, payload: ANNOUNCE }], { transport: 'udp', serverPort: 17600, clientPort: 40000 })['application'], 'Dropbox');
});

test('Dropbox fuzz: mutated announcements never throw', () => {
  const rnd = seededRandom(17500);
  for (let k = 0; k < 2000; k++) {
    const m = mutate(ANNOUNCE, rnd);
    isLanSyncAnnouncement(m, 0, m.length);
  }
  for (let k = 0; k < 60; k++) identify([{ dir: 0, payload: mutate(ANNOUNCE, rnd) }], { transport: 'udp', serverPort: 17500 });
});
