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

test("collectd: the host part is the flow's host name; a datagram damaged after three good parts still counts", () => {
  assert.equal(identify([{ dir: 0, payload: PARTS }], { transport: 'udp', serverPort: 25826 })['hostname'], 'host');
  const damaged = Uint8Array.from(PARTS);
  damaged[29] = 0xff; // the values part's type (after host, time, plugin)
  damaged[30] = 0xff;
  const r = identify([{ dir: 0, payload: damaged }], { transport: 'udp', serverPort: 25826 });
  assert.equal(r['protocol'], 'collectd');
  assert.equal(r['hostname'], 'host');
  assert.ok((r['risks'] as string[]).includes('malformed_packet'));
  // two good parts then garbage: not collectd
  const early = Uint8Array.from(PARTS);
  early[21] = 0xff;
  assert.ok(notByDpi(identify([{ dir: 0, payload: early }], { transport: 'udp', serverPort: 40000 }), 'collectd'));
});
