import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

const DISCOVERY = hex(`
  44 4c 45 50   # "DLEP"
  00 01         # signal: Peer Discovery
  00 08         # length 8
  00 04 00 04 72 74 72 31   # data item 4 (Peer Type), length 4
`);
const BAD = Uint8Array.from(DISCOVERY);
BAD[5] = 0x07; // signal type 7 (not a discovery signal)

test('DLEP: Peer Discovery signal', () => {
  const r = identify([{ dir: 0, payload: DISCOVERY }], { transport: 'udp', serverPort: 854 });
  assert.equal(r['protocol'], 'DLEP');
  assert.equal(r['confidence'], 'dpi');
});

test('DLEP: session initialization over TCP', () => {
  const init = hex('00 01 00 08 00 05 00 04 00 00 ea 60'); // Session Initialization, Heartbeat Interval 60000 ms
  assert.equal(identify([{ dir: 0, payload: init }], { transport: 'tcp', serverPort: 854 })['protocol'], 'DLEP');
});

test('DLEP: unknown signal refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 854 });
  assert.ok(notByDpi(r, 'DLEP'));
  fuzz(DISCOVERY, 'udp', 854, 0);
});
