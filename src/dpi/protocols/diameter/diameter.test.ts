import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

const CER = hex(`
  01            # version 1
  00 00 30      # length 48
  80            # flags: request
  00 01 01      # command 257: Capabilities-Exchange
  00 00 00 00   # application id
  00 00 00 01   # hop-by-hop id
  00 00 00 02   # end-to-end id
  00 00 01 08 40 00 00 0f 68 2e 6c 6f 63 61 6c 00   # Origin-Host AVP (264), length 15, padded
  00 00 01 0a 40 00 00 0c 00 00 00 00               # Vendor-Id AVP (266)
`);
const BAD = Uint8Array.from(CER);
BAD[4] = 0x8f; // reserved flag bits set

test('Diameter: capabilities exchange request', () => {
  const r = identify([{ dir: 0, payload: CER }], { transport: 'tcp', serverPort: 3868 });
  assert.equal(r['protocol'], 'Diameter');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['diameter'], { command: 'capabilities_exchange' });
});

test('Diameter: reserved flags refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'tcp', serverPort: 3868 });
  assert.ok(notByDpi(r, 'Diameter'));
  fuzz(CER, 'tcp', 3868, 0);
});
