import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

const QUERY = hex(`
  00 01   # version 1
  00 02   # opcode: Query
  00 01   # length 1
  00      # authentication names: none
`);
const BAD = hex('00 02 00 02 00 01 00'); // version 2

test('XDMCP: Query', () => {
  const r = identify([{ dir: 0, payload: QUERY }], { transport: 'udp', serverPort: 177 });
  assert.equal(r['protocol'], 'XDMCP');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['xdmcp'], { opcode: 'Query' });
});

test('XDMCP: version 2 refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 177 });
  assert.ok(notByDpi(r, 'XDMCP'));
  fuzz(QUERY, 'udp', 177, 0);
});
