import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, type Exchange, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';
import { helloBitmap, negotiated } from './index.js';

// Messages built after the OpenFlow Switch Specifications' ofp_header, ofp_hello and
// ofp_hello_elem_versionbitmap layouts (1.0.0 §5.5.1, 1.3.x / 1.5.x §7.5.1).

const opts = { transport: 'tcp' as const, serverPort: 6653 };

/** version, type, length (big-endian), xid */
const header = (version: number, type: number, length: number, xid = 0x12345678): Uint8Array =>
  Uint8Array.of(version, type, length >> 8, length & 0xff, xid >>> 24, (xid >> 16) & 0xff, (xid >> 8) & 0xff, xid & 0xff);

const hello = (version: number): Uint8Array => header(version, 0, 8);

/** a 1.3+ HELLO with one version-bitmap element listing `versions` */
const helloWithBitmap = (version: number, versions: number[]): Uint8Array => {
  const bitmap = versions.reduce((b, v) => b | (1 << v), 0);
  return cat(header(version, 0, 16), hex('00 01 00 08'), Uint8Array.of(bitmap >>> 24, (bitmap >> 16) & 0xff, (bitmap >> 8) & 0xff, bitmap & 0xff));
};

const version = (r: Record<string, unknown>): unknown => (r['openflow'] as Record<string, unknown> | null)?.['version'];

test('OpenFlow: HELLO from both sides for each version 1.0 to 1.5', () => {
  for (let v = 1; v <= 6; v++) {
    const r = identify([{ dir: 0, payload: hello(v) }, { dir: 1, payload: hello(v) }], opts);
    assert.equal(r['protocol'], 'OpenFlow', `version ${v}`);
    assert.equal(r['confidence'], 'dpi');
    assert.equal(version(r), ['1.0', '1.1', '1.2', '1.3', '1.4', '1.5'][v - 1]);
  }
});

test('OpenFlow: the session version is the lower HELLO version, or the highest in both bitmaps', () => {
  // a 1.0-only switch and a controller up to 1.3: 1.0
  assert.equal(version(identify([{ dir: 1, payload: hello(1) }, { dir: 0, payload: hello(4) }], opts)), '1.0');
  // bitmaps {1.0, 1.3, 1.5} and {1.0, 1.3, 1.4}: 1.3, though the headers say 1.5 and 1.4
  const r = identify([{ dir: 0, payload: helloWithBitmap(6, [1, 4, 6]) }, { dir: 1, payload: helloWithBitmap(5, [1, 4, 5]) }], opts);
  assert.equal(version(r), '1.3');
  // one HELLO only: its version
  assert.equal(version(identify([{ dir: 0, payload: helloWithBitmap(4, [1, 4]) }], opts)), '1.3');
  assert.equal(negotiated(6, 0b1010010, 5, 0b0110010), 4);
  assert.equal(negotiated(6, 0, 4, 0b10010), 4);
  assert.equal(helloBitmap(hex('00 01 00 08 00 00 00 12'), 0, 8), 0x12);
  assert.equal(helloBitmap(hex('00 01 00 02 00 00 00 12'), 0, 8), -1);
});

test('OpenFlow: HELLO then FEATURES_REQUEST in one segment; switch HELLO, FEATURES_REPLY, ECHO', () => {
  const r = identify([
    { dir: 0, payload: cat(hello(4), header(4, 5, 8, 2)) },
    { dir: 1, payload: cat(hello(4), header(4, 6, 32, 2), new Uint8Array(24)) },
    { dir: 0, payload: header(4, 2, 8, 3) },
    { dir: 1, payload: header(4, 3, 8, 3) },
  ], opts);
  assert.equal(r['protocol'], 'OpenFlow');
  assert.equal(version(r), '1.3');
  // on the old port, switch first, 1.0
  const old = identify([{ dir: 1, payload: hello(1) }, { dir: 0, payload: hello(1) }], { transport: 'tcp', serverPort: 6633 });
  assert.equal(version(old), '1.0');
  // a 1.5 HELLO with an element of a type not defined yet (ignored) before the bitmap
  const later = cat(header(6, 0, 24), hex('00 07 00 06 aa bb 00 00'), hex('00 01 00 08 00 00 00 72'));
  assert.equal(version(identify([{ dir: 0, payload: later }], opts)), '1.5');
});

test('OpenFlow: a capture that starts after the HELLOs: two messages of one version', () => {
  const r = identify([{ dir: 0, payload: header(4, 2, 8, 9) }, { dir: 1, payload: header(4, 3, 8, 9) }], { transport: 'tcp', serverPort: 40000 });
  assert.equal(r['protocol'], 'OpenFlow');
  assert.equal(version(r), '1.3');
  // a 1.0 PACKET_IN (type 10) and ECHO_REQUEST in one segment
  const pin = identify([{ dir: 1, payload: cat(header(1, 10, 20, 0), new Uint8Array(12), header(1, 2, 8, 1)) }], { ...opts, handshake: false });
  assert.equal(version(pin), '1.0');
});

test('OpenFlow: HELLOs split in 1-byte and 3-byte pieces', () => {
  const h = helloWithBitmap(5, [1, 4, 5]);
  const parts: Exchange[] = [];
  for (let i = 0; i < 8; i++) parts.push({ dir: 0, payload: h.subarray(i, i + 1) });
  for (let i = 8; i < h.length; i += 3) parts.push({ dir: 0, payload: h.subarray(i, i + 3) });
  const r = identify(parts, opts);
  assert.equal(r['protocol'], 'OpenFlow');
  assert.equal(version(r), '1.4');
  const two: Exchange[] = [];
  const s = hello(2);
  for (let i = 0; i < 8; i += 3) two.push({ dir: 1, payload: s.subarray(i, i + 3) });
  assert.equal(version(identify(two, opts)), '1.1');
});

test('OpenFlow: other protocols and malformed headers are not OpenFlow', () => {
  const cases: Exchange[][] = [
    [{ dir: 0, payload: 'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n' }],
    [{ dir: 0, payload: hex('16 03 01 00 2f 01 00 00 2b 03 03') }],
    [{ dir: 0, payload: 'SSH-2.0-OpenSSH_9.6\r\n' }],
    [{ dir: 0, payload: hex('a3 17 5c 90 01 fe 42 6b 00 d9 3e 77 10 2c') }],
    [{ dir: 0, payload: header(7, 0, 8) }], // version 7 undefined
    [{ dir: 0, payload: header(0, 0, 8) }], // version 0
    [{ dir: 0, payload: header(1, 22, 8) }, { dir: 1, payload: header(1, 22, 8) }], // type beyond 1.0
    [{ dir: 0, payload: header(4, 0, 4) }], // length below the header
    [{ dir: 0, payload: header(4, 5, 16) }, { dir: 1, payload: header(4, 5, 16) }], // FEATURES_REQUEST with a body
    [{ dir: 0, payload: cat(header(4, 0, 16), hex('00 01 00 02 00 00 00 10')) }], // bitmap element too short
    [{ dir: 0, payload: cat(header(4, 0, 16), hex('00 01 00 08 00 00 00 20')) }], // bitmap without the header's version
    [{ dir: 0, payload: cat(hello(4), hex('ff ff ff ff')) }], // garbage after the HELLO
    [{ dir: 0, payload: hello(4).subarray(0, 6) }], // truncated
    [{ dir: 0, payload: header(4, 2, 8) }, { dir: 1, payload: header(1, 3, 8) }], // two versions
    [{ dir: 0, payload: header(4, 2, 8) }], // one message without a HELLO
    // TPKT (RDP's X.224 connection request): 03 00 and a length, like a 1.2 HELLO with a body
    [{ dir: 0, payload: hex('03 00 00 13 0e e0 00 00 00 00 00 01 00 08 00 03 00 00 00') }],
    [{ dir: 0, payload: cat(header(1, 0, 12), hex('de ad be ef')) }], // a 1.0 HELLO with a body
  ];
  for (const [i, c] of cases.entries()) assert.ok(notByDpi(identify(c, { transport: 'tcp', serverPort: 40000 }), 'OpenFlow'), `case ${i}`);
});

test('OpenFlow: fuzzed first payloads', () => {
  fuzz(helloWithBitmap(4, [1, 4]), 'tcp', 6653);
  fuzz(cat(hello(1), header(1, 5, 8)), 'tcp', 6653, 1, 80);
});
