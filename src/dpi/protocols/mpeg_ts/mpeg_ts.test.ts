import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

// one 188-byte TS packet: sync 0x47, PID 0x100, payload only, continuity 0
const TS = cat(hex('47 41 00 10'), new Uint8Array(184).fill(0xff));
const BAD = cat(TS, hex('47 00')); // not a multiple of 188 bytes

test('MPEG_TS: two datagrams of TS packets', () => {
  const r = identify([{ dir: 0, payload: TS }, { dir: 0, payload: TS }], { transport: 'udp', serverPort: 1234 });
  assert.equal(r['protocol'], 'MPEG_TS');
  assert.equal(r['confidence'], 'dpi');
});

test('MPEG_TS: partial packets refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }, { dir: 0, payload: BAD }], { transport: 'udp', serverPort: 1234 });
  assert.ok(notByDpi(r, 'MPEG_TS'));
  fuzz(TS, 'udp', 1234, 0);
});
