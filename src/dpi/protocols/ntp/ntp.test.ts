import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';

const client = cat(hex('23 00 06 20'), new Uint8Array(44)); // LI 0, version 4, mode 3 (client); stratum 0, poll 6, precision

test('NTP client request', () => {
  const r = identify([{ dir: 0, payload: client }], { transport: 'udp', serverPort: 123 });
  assert.equal(r['protocol'], 'NTP');
  assert.deepEqual(r['ntp'], { version: 4, mode: 'client' });
});

test('NTP mode 7 (ntpdc) and bad versions; fuzz', () => {
  const priv = hex('17 00 03 2a 00 00 00 00'); // response bit 0, version 2, mode 7; impl 3, request 42
  assert.equal(identify([{ dir: 0, payload: priv }], { transport: 'udp', serverPort: 123 })['protocol'], 'NTP');
  const bad = Uint8Array.from(client);
  bad[0] = 0x3b; // version 7
  assert.equal(identify([{ dir: 0, payload: bad }], { transport: 'udp', serverPort: 123 })['ntp'], null);
  fuzz(client, 'udp', 123);
});
