import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

// WireFormatInfo in loose encoding: size, type 1, magic, version, then the options map
const body = cat(
  hex('01'), // WIREFORMAT_INFO
  enc('ActiveMQ'),
  hex('00 00 00 0c'), // version 12
  hex('01'), // the map is there
  hex('00 00 00 16'), // map bytes that follow (22)
  hex('00 00 00 01'), // one entry
  hex('00 0e'), enc('TcpNoDelayEnabled').subarray(0, 14), // key (cut to its declared length)
  hex('01 01'), // boolean true
);
const size = (n: number): Uint8Array => hex(n.toString(16).padStart(8, '0'));
const info = cat(size(body.length), body);

test('OpenWire: the client WireFormatInfo names the flow on port 61616 and on another port', () => {
  for (const serverPort of [61616, 31616]) {
    const r = identify([{ dir: 0, payload: info }, { dir: 1, payload: info }], { transport: 'tcp', serverPort });
    assert.equal(r['protocol'], 'OpenWire');
    assert.equal(r['confidence'], 'dpi');
  }
});

test("OpenWire: the broker's WireFormatInfo seen first names the flow; a size beyond the segment is allowed", () => {
  let r = identify([{ dir: 1, payload: info }], { transport: 'tcp', serverPort: 61616 });
  assert.equal(r['protocol'], 'OpenWire');
  r = identify([{ dir: 0, payload: cat(size(body.length + 100), body) }], { transport: 'tcp', serverPort: 61616 });
  assert.equal(r['protocol'], 'OpenWire');
});

test('OpenWire: near misses are refused; fuzz', () => {
  for (const bad of [
    cat(size(body.length), hex('02'), body.subarray(1)), // another command type
    cat(size(body.length), hex('01'), enc('ActiveMX'), body.subarray(9)), // magic
    cat(size(body.length - 4), body), // size short of the segment
    cat(hex('01 00 00 00'), body), // size absurd
    cat(size(4), hex('01'), enc('Acti')), // too short for the magic
  ]) {
    assert.ok(notByDpi(identify([{ dir: 0, payload: bad }], { transport: 'tcp', serverPort: 61616 }), 'OpenWire'));
  }
  fuzz(info, 'tcp', 61616);
  fuzz(info, 'tcp', 61616, 1);
});
