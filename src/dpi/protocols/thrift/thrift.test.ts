import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const CALL = cat(hex(`
  80 01       # strict binary protocol, version 1
  00 01       # message type 1: call
  00 00 00 07 # method name length 7
`), enc('getUser'), hex(`
  00 00 00 01 # sequence id
  00          # STOP: no arguments
`));

test('Thrift binary call names the flow, with the method', () => {
  const r = identify([{ dir: 0, payload: CALL }], { transport: 'tcp', serverPort: 9090 });
  assert.equal(r['protocol'], 'Thrift');
  assert.deepEqual(r['thrift'], { method: 'getUser', encoding: 'binary' });
  // framed transport: a 32-bit frame length first
  const framed = cat(hex('00 00 00 14'), CALL);
  assert.equal(identify([{ dir: 0, payload: framed }], { transport: 'tcp', serverPort: 40000 })['protocol'], 'Thrift');
});

test('Thrift compact oneway over UDP (as Jaeger agents send)', () => {
  const compact = cat(hex(`
    82          # compact protocol id
    81          # type 4 (oneway) << 5 | version 1
    05          # sequence id (varint)
    09          # name length 9 (varint)
  `), enc('emitBatch'), hex('1c 00'));
  const r = identify([{ dir: 0, payload: compact }], { transport: 'udp', serverPort: 6831 });
  assert.equal(r['protocol'], 'Thrift');
  assert.deepEqual(r['thrift'], { method: 'emitBatch', encoding: 'compact' });
});

test('Thrift refuses bad versions, types and names', () => {
  const t = Uint8Array.from(CALL);
  t[3] = 5; // no message type 5
  assert.equal(identify([{ dir: 0, payload: t }], { transport: 'tcp', serverPort: 9090 })['thrift'], null);
  const n = Uint8Array.from(CALL);
  n[9] = 0x20; // a space in the name
  assert.equal(identify([{ dir: 0, payload: n }], { transport: 'tcp', serverPort: 9090 })['thrift'], null);
  assert.equal(identify([{ dir: 0, payload: hex('82 81 05 01 61 00') }], { transport: 'udp', serverPort: 6831 })['thrift'], null); // one-letter name
  fuzz(CALL, 'tcp', 9090);
  fuzz(cat(hex('82 81 05 09'), enc('emitBatch')), 'udp', 6831);
});
