import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

const MSG = hex(`
  45 53 49 4f   # "ESIO"
  00 01         # version 1
  00 00 00 31 76 16 00 00 00 18   # message header and I/O data (opaque)
`);
const BAD = Uint8Array.from(MSG);
BAD[5] = 0x09; // version 9

test('EtherSIO: ESIO message', () => {
  const r = identify([{ dir: 0, payload: MSG }], { transport: 'udp', serverPort: 6060 });
  assert.equal(r['protocol'], 'EtherSIO');
  assert.equal(r['confidence'], 'dpi');
});

test('EtherSIO: unknown version refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 6060 });
  assert.ok(notByDpi(r, 'EtherSIO'));
  fuzz(MSG, 'udp', 6060, 0);
});
