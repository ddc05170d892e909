import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';

const solicit = hex(`
  01 12 34 56         # SOLICIT, transaction id
  00 01 00 0a 00 03 00 01 00 11 22 33 44 55   # client id (DUID-LL)
  00 08 00 02 00 00   # elapsed time
`);

test('DHCPv6 SOLICIT', () => {
  const r = identify([{ dir: 0, payload: solicit }], { transport: 'udp', clientPort: 546, serverPort: 547, client: 'fe80::1', server: 'ff02::1:2' });
  assert.equal(r['protocol'], 'DHCPv6');
  assert.deepEqual(r['dhcpv6'], { message_type: 'SOLICIT' });
});

test('DHCPv6: options that do not tile the datagram are refused; fuzz', () => {
  const bad = solicit.subarray(0, solicit.length - 1);
  assert.equal(identify([{ dir: 0, payload: bad }], { transport: 'udp', serverPort: 547 })['dhcpv6'], null);
  fuzz(solicit, 'udp', 547);
});
