import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

const UUID_TAIL = '6c 97 11 d1 82 71 00 a0 24 42 df 7d';
const header = (iface: string): Uint8Array => hex(`
  04          # RPC version 4
  00          # packet type: request
  20 00       # flags
  00 00 00    # data representation: big endian, ASCII, IEEE
  00          # serial (high)
  de a0 00 00 ${UUID_TAIL}   # object UUID DEA00000-6C97-11D1-8271-00A02442DF7D
  ${iface}                   # interface UUID
  11 11 11 11 11 11 11 11 11 11 11 11 11 11 11 11   # activity UUID
  00 00 00 00   # server boot time
  00 00 00 01   # interface version
  00 00 00 00   # sequence number
  00 00 ffff ffff 00 00 00 00 00 00   # opnum, hints, fragment length/number, auth, serial (low)
`);
const CONNECT = header(`de a0 00 01 ${UUID_TAIL}`); // PNIO device interface
// another DCE/RPC interface, and an object UUID not of PNIO
const BAD = hex(`04 00 20 00 00 00 00 00 ${'00 '.repeat(16)} ${'12 '.repeat(16)} ${'11 '.repeat(16)} ${'00 '.repeat(24)}`);

test('PROFINET_IO: connectionless RPC to the PNIO device interface', () => {
  const r = identify([{ dir: 0, payload: CONNECT }], { transport: 'udp', serverPort: 34964 });
  assert.equal(r['protocol'], 'PROFINET_IO');
  assert.equal(r['confidence'], 'dpi');
});

test('PROFINET_IO: other RPC interfaces refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 34964 });
  assert.ok(notByDpi(r, 'PROFINET_IO'));
  fuzz(CONNECT, 'udp', 34964, 0);
});
