import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

const DATAGRAM = hex(`
  00 00 00 05   # version 5
  00 00 00 01   # agent address type: IPv4
  c0 00 02 01   # agent address
  00 00 00 00   # sub-agent id
  00 00 00 07   # sequence number
  00 00 10 00   # uptime (ms)
  00 00 00 01   # one sample
  00 00 00 02   # counters sample (enterprise 0, format 2)
  00 00 00 04   # sample length 4
  00 00 00 00
`);
const BAD = Uint8Array.from(DATAGRAM);
BAD[3] = 0x03; // version 3

test('sFlow: v5 datagram', () => {
  const r = identify([{ dir: 0, payload: DATAGRAM }], { transport: 'udp', serverPort: 6343 });
  assert.equal(r['protocol'], 'sFlow');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['sflow'], { version: 5 });
});

test('sFlow: unknown version refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 6343 });
  assert.ok(notByDpi(r, 'sFlow'));
  fuzz(DATAGRAM, 'udp', 6343, 0);
});
