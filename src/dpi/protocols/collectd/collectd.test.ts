import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

const PARTS = hex(`
  00 00 00 09 68 6f 73 74 00               # host part, "host"
  00 08 00 0c 00 00 00 01 00 00 00 00      # high-resolution time
  00 02 00 08 63 70 75 00                  # plugin "cpu"
  00 06 00 0f 00 01 02 00 00 00 00 00 00 00 00   # values: one derive value
`);
const BAD = hex('00 00 ff ff 68 6f 73 74 00 00 00 00'); // part longer than the datagram

test('collectd: plain parts', () => {
  const r = identify([{ dir: 0, payload: PARTS }], { transport: 'udp', serverPort: 25826 });
  assert.equal(r['protocol'], 'collectd');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['collectd'], { security: 'plain' });
});

test('collectd: truncated part refused off-port; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 40000 });
  assert.ok(notByDpi(r, 'collectd'));
  fuzz(PARTS, 'udp', 25826, 0);
});
