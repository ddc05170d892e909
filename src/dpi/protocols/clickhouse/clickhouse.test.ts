import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

// unsigned LEB128
const varint = (n: number): Uint8Array => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Uint8Array.from(out);
};
const str = (s: string): Uint8Array => cat(varint(s.length), enc(s));

const clientHello = cat(
  varint(0), // packet type: Hello
  str('ClickHouse client'),
  varint(23), varint(8), varint(54460), // version 23.8, protocol revision 54460
  str('default'), str('default'), str(''), // database, user, password
);
const serverHello = cat(varint(0), str('ClickHouse'), varint(23), varint(8), varint(54465), str('UTC'), str('ch-1'), varint(2));

test('ClickHouse: the client Hello names the flow on port 9000 and on another port', () => {
  for (const serverPort of [9000, 19000]) {
    const r = identify([{ dir: 0, payload: clientHello }, { dir: 1, payload: serverHello }], { transport: 'tcp', serverPort });
    assert.equal(r['protocol'], 'ClickHouse');
    assert.equal(r['confidence'], 'dpi');
  }
});

test('ClickHouse: the server Hello seen first names the flow', () => {
  const r = identify([{ dir: 1, payload: serverHello }], { transport: 'tcp', serverPort: 9000 });
  assert.equal(r['protocol'], 'ClickHouse');
  assert.equal(r['confidence'], 'dpi');
});

test('ClickHouse: a Hello split across segments is still read', () => {
  const r = identify([{ dir: 0, payload: clientHello.subarray(0, 12) }, { dir: 0, payload: clientHello.subarray(12) }], { transport: 'tcp', serverPort: 9000 });
  assert.equal(r['protocol'], 'ClickHouse');
});

test('ClickHouse: near misses are refused; fuzz', () => {
  for (const bad of [
    cat(varint(1), str('ClickHouse client'), varint(23), varint(8), varint(54460), str('default')), // not Hello
    cat(varint(0), str(''), varint(23), varint(8), varint(54460), str('default')), // empty name
    cat(varint(0), str('Click\x01House'), varint(23), varint(8), varint(54460), str('default')), // control byte
    cat(varint(0), str('x'.repeat(65)), varint(23), varint(8), varint(54460), str('default')), // name too long
    cat(varint(0), str('ClickHouse client'), varint(23), varint(8), varint(53999), str('default')), // revision too old
    cat(varint(0), str('ClickHouse client'), varint(23), varint(8), varint(60001), str('default')), // revision too new
    cat(varint(0), str('ClickHouse client'), varint(5000), varint(8), varint(54460), str('default')), // major absurd
    hex('00 00 00 00 00 00 00 00 00 00 00 00'),
  ]) {
    assert.ok(notByDpi(identify([{ dir: 0, payload: bad }], { transport: 'tcp', serverPort: 9000 }), 'ClickHouse'));
  }
  fuzz(clientHello, 'tcp', 9000);
  fuzz(serverHello, 'tcp', 9000, 1);
});
