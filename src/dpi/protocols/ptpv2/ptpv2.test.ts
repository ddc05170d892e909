import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

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
