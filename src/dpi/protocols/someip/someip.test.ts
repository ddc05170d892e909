import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

const SD = hex(`
  ff ff 81 00   # message id: service 0xffff, method 0x8100 (SOME/IP-SD)
  00 00 00 08   # length: 8 (request id .. return code, no payload)
  00 00 00 01   # client id, session id
  01            # protocol version 1
  01            # interface version
  02            # message type: notification
  00            # return code: OK
`);
const CALL = hex(`
  12 34 00 08   # service 0x1234, method 8
  00 00 00 0d   # length 13: 8 + 5 payload bytes
  00 01 00 01   # client, session
  01 01 00 00   # protocol version 1, interface 1, request, E_OK
  ab ab ab ab ab
`);
const BAD = Uint8Array.from(CALL);
BAD[12] = 2; // protocol version 2

test('SOMEIP: service discovery notification', () => {
  const r = identify([{ dir: 0, payload: SD }], { transport: 'udp', serverPort: 30490 });
  assert.equal(r['protocol'], 'SOMEIP');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['someip'], { service_discovery: true });
});

test('SOMEIP: method call off the SD port', () => {
  const r = identify([{ dir: 0, payload: CALL }], { transport: 'udp', serverPort: 40000 });
  assert.equal(r['protocol'], 'SOMEIP');
  assert.deepEqual(r['someip'], { service_discovery: false });
});

test('SOMEIP: protocol version 2 refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 40000 });
  assert.ok(notByDpi(r, 'SOMEIP'));
  fuzz(SD, 'udp', 30490, 0);
});
