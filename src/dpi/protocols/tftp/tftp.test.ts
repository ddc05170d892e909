import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';

test('TFTP read request: operation, mode and file name', () => {
  const rrq = hex(`
    00 01                       # RRQ
    70 78 65 6c 69 6e 75 78 2e 30 00   # "pxelinux.0"
    6f 63 74 65 74 00           # "octet"
  `);
  const r = identify([{ dir: 0, payload: rrq }], { transport: 'udp', serverPort: 69 });
  assert.equal(r['protocol'], 'TFTP');
  assert.deepEqual(r['tftp'], { operation: 'read', mode: 'octet', filename: 'pxelinux.0' });
});

test('TFTP transfer on new ports: DATA 1 answered by ACK 1', () => {
  const data = cat(hex('00 03 00 01'), new Uint8Array(512));
  const r = identify([{ dir: 0, payload: data }, { dir: 1, payload: hex('00 04 00 01') }], { transport: 'udp', clientPort: 3445, serverPort: 50618 });
  assert.equal(r['protocol'], 'TFTP');
});

test('TFTP: STUN (magic cookie) is not TFTP; DATA without answer is not claimed; fuzz', () => {
  const stun = hex('00 03 00 08 21 12 a4 42 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00');
  assert.equal(identify([{ dir: 0, payload: stun }, { dir: 1, payload: stun }], { transport: 'udp', serverPort: 3478 })['tftp'], null);
  const lone = identify([{ dir: 0, payload: cat(hex('00 03 00 01'), new Uint8Array(100)) }, { dir: 0, payload: cat(hex('00 03 00 01'), new Uint8Array(100)) }], { transport: 'udp', serverPort: 40000 });
  assert.notEqual(lone['protocol'], 'TFTP');
  fuzz(hex('00 02 61 00 6e 65 74 61 73 63 69 69 00'), 'udp', 69);
});
