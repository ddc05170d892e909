import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';

const open = hex(`
  ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff   # marker
  00 1d 01      # length 29, OPEN
  04            # version 4
  fd e8         # my AS 65000
  00 b4         # hold time 180
  0a 00 00 01   # BGP identifier
  00            # no optional parameters
`);

test('BGP OPEN: AS number', () => {
  const r = identify([{ dir: 0, payload: open }], { transport: 'tcp', serverPort: 179 });
  assert.equal(r['protocol'], 'BGP');
  assert.deepEqual(r['bgp'], { first_message: 'OPEN', asn: 65000 });
});

test('BGP: a KEEPALIVE of the wrong length refused; fuzz', () => {
  const ka = cat(new Uint8Array(16).fill(0xff), hex('00 14 04 00'));
  assert.equal(identify([{ dir: 0, payload: ka }], { transport: 'tcp', serverPort: 1790 })['bgp'], null);
  fuzz(open, 'tcp', 179);
});
