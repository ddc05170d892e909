import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';

test('Telnet option negotiation is flagged unsafe', () => {
  const r = identify([{ dir: 0, payload: hex('ff fd 03  ff fb 18  ff fb 1f') }, { dir: 1, payload: hex('ff fd 18') }], { transport: 'tcp', serverPort: 23 });
  assert.equal(r['protocol'], 'Telnet');
  assert.deepEqual(r['risks'], ['unsafe_protocol']);
});

test('Telnet: IAC with an unknown command refused; fuzz', () => {
  assert.equal(identify([{ dir: 0, payload: hex('ff 10 00 00') }], { transport: 'tcp', serverPort: 2323 })['protocol'], null);
  fuzz(hex('ff fd 03 ff fb 18 ff fa 18 01 ff f0'), 'tcp', 23);
});
