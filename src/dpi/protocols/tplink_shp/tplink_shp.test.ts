import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

// {"system":{"get_sysinfo":{}}} with the autokey XOR (key 171, then each cipher byte)
const SYSINFO = hex(`
  d0 f2   # '{"'
  81 f8 8b ff 9a f7 d5 ef 94 b6 d1 b4 c0 9f ec 95 e6 8f e1 87 e8 ca f0 8b f6 8b f6   # … '{}}}'
`);
// the same bytes XORed with a constant decode to non-JSON
const BAD = SYSINFO.map((b) => b ^ 0x5a);

test('TPLINK_SHP: obfuscated get_sysinfo', () => {
  const r = identify([{ dir: 0, payload: SYSINFO }], { transport: 'udp', serverPort: 9999 });
  assert.equal(r['protocol'], 'TPLINK_SHP');
  assert.equal(r['confidence'], 'dpi');
});

test('TPLINK_SHP over TCP: length prefix', () => {
  const r = identify([{ dir: 0, payload: cat(hex('00 00 00 1d'), SYSINFO) }], { transport: 'tcp', serverPort: 9999 });
  assert.equal(r['protocol'], 'TPLINK_SHP');
});

test('TPLINK_SHP: bytes that do not decode to JSON refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'udp', serverPort: 9999 });
  assert.ok(notByDpi(r, 'TPLINK_SHP'));
  fuzz(SYSINFO, 'udp', 9999, 0);
});
