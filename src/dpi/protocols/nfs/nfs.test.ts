import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';

const call = hex(`
  6a 0b 3c 01   # xid
  00 00 00 00   # CALL
  00 00 00 02   # RPC version 2
  00 01 86 a3   # program 100003 (NFS)
  00 00 00 03   # version 3
  00 00 00 01   # procedure GETATTR
  00 00 00 00 00 00 00 00   # credential AUTH_NONE, length 0
  00 00 00 00 00 00 00 00   # verifier AUTH_NONE
  00 00 00 08 01 02 03 04 05 06 07 08   # file handle
`);

test('ONC RPC call to NFS over UDP and TCP', () => {
  const r = identify([{ dir: 0, payload: call }], { transport: 'udp', serverPort: 2049 });
  assert.equal(r['protocol'], 'NFS');
  assert.deepEqual(r['nfs'], { program: 'nfs', version: 3 });
  const t = identify([{ dir: 0, payload: cat(hex(`80 00 00 ${call.length.toString(16)}`), call) }], { transport: 'tcp', serverPort: 2049 });
  assert.equal(t['protocol'], 'NFS');
});

test('RPC to other programs is not NFS; fuzz', () => {
  const other = Uint8Array.from(call);
  other[14] = 0x99;
  assert.equal(identify([{ dir: 0, payload: other }], { transport: 'udp', serverPort: 20490 })['nfs'], null);
  fuzz(call, 'udp', 2049);
});
