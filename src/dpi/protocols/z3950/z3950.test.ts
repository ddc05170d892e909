import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

// BER: tag, definite length, content
const tlv = (tag: string, ...content: Uint8Array[]): Uint8Array => {
  const c = cat(...content);
  const len = c.length < 0x80 ? [c.length] : c.length < 0x100 ? [0x81, c.length] : [0x82, c.length >> 8, c.length & 0xff];
  return cat(hex(tag), Uint8Array.from(len), c);
};

const initRequest = tlv('b4', // initRequest [20]
  tlv('82', enc('ref1')), // referenceId
  tlv('83', hex('05 e0')), // protocolVersion: versions 1, 2, 3
  tlv('84', hex('00 e0 00')), // options: search, present, delSet
  tlv('85', hex('10 00')), // preferredMessageSize 4096
  tlv('86', hex('10 00')), // exceptionalRecordSize 4096
  tlv('9f 6e', enc('81')), // implementationId [110]
  tlv('9f 6f', enc('Test client')), // implementationName [111]
  tlv('9f 70', enc('1.0')), // implementationVersion [112]
);
const initResponse = tlv('b5',
  tlv('82', enc('ref1')),
  tlv('83', hex('05 e0')),
  tlv('84', hex('00 e0 00')),
  tlv('85', hex('10 00')),
  tlv('86', hex('10 00')),
  tlv('8c', hex('ff')), // result [12] TRUE
  tlv('9f 6e', enc('81')),
);
const close = tlv('bf 30', tlv('9f 81 53', hex('00'))); // close [48], closeReason [211] finished

test('Z39.50: InitializeRequest names the flow on port 210, with its response', () => {
  const r = identify([{ dir: 0, payload: initRequest }, { dir: 1, payload: initResponse }], { transport: 'tcp', serverPort: 210 });
  assert.equal(r['protocol'], 'Z3950');
  assert.equal(r['confidence'], 'dpi');
});

test('Z39.50: the response seen first, a close, and port 210 on the client side name the flow', () => {
  let r = identify([{ dir: 1, payload: initResponse }], { transport: 'tcp', serverPort: 210 });
  assert.equal(r['protocol'], 'Z3950');
  r = identify([{ dir: 0, payload: close }], { transport: 'tcp', serverPort: 210 });
  assert.equal(r['protocol'], 'Z3950');
  r = identify([{ dir: 0, payload: initRequest }], { transport: 'tcp', serverPort: 40000, clientPort: 210 });
  assert.equal(r['protocol'], 'Z3950');
});

test('Z39.50: a PDU split across segments, and two PDUs in one, are read', () => {
  let r = identify([{ dir: 0, payload: initRequest.subarray(0, 10) }, { dir: 0, payload: initRequest.subarray(10) }], { transport: 'tcp', serverPort: 210 });
  assert.equal(r['protocol'], 'Z3950');
  r = identify([{ dir: 1, payload: cat(initResponse, close) }], { transport: 'tcp', serverPort: 210 });
  assert.equal(r['protocol'], 'Z3950');
});

test('Z39.50: near misses and other ports are refused; fuzz', () => {
  const other = identify([{ dir: 0, payload: initRequest }], { transport: 'tcp', serverPort: 2100 });
  assert.ok(notByDpi(other, 'Z3950'));
  for (const bad of [
    cat(hex('b3'), initRequest.subarray(1)), // tag [19]: no such PDU
    cat(hex('94'), initRequest.subarray(1)), // primitive, not constructed
    cat(hex('bf 31'), close.subarray(2)), // [49]
    cat(initRequest, hex('00 00')), // bytes after the PDU that start no other one
    cat(hex('b4'), hex('80'), initRequest.subarray(2), hex('00 00')), // indefinite length
    tlv('b4', tlv('02', hex('01'))), // first member universal INTEGER, not context tagged
    tlv('b4', hex('82 10'), enc('short')), // first member longer than the PDU
  ]) {
    assert.ok(notByDpi(identify([{ dir: 0, payload: bad }], { transport: 'tcp', serverPort: 210 }), 'Z3950'));
  }
  fuzz(initRequest, 'tcp', 210);
  fuzz(initResponse, 'tcp', 210, 1);
});
