import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';

const i16 = (v: number): Uint8Array => Uint8Array.of((v >> 8) & 0xff, v & 0xff);
const i32 = (v: number): Uint8Array => Uint8Array.of((v >>> 24) & 0xff, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
/** INT32 size + what it measures */
const sized = (...parts: Uint8Array[]): Uint8Array => {
  const body = cat(...parts);
  return cat(i32(body.length), body);
};
const nullableString = (s: string | null): Uint8Array => (s === null ? i16(-1) : cat(i16(s.length), utf8(s)));
const header = (apiKey: number, apiVersion: number, correlationId: number, clientId: string | null): Uint8Array =>
  cat(i16(apiKey), i16(apiVersion), i32(correlationId), nullableString(clientId));

// ApiVersions v3: flexible request header v2 (client_id still INT16-prefixed, then an empty
// tagged-field section), body of two COMPACT_STRINGs (length + 1) and its own tagged fields
const apiVersionsV3 = sized(header(18, 3, 0, 'adminclient-1'), hex('00'), hex('0b'), utf8('sonde-test'), hex('06'), utf8('1.0.0'), hex('00'));
// ApiVersions v3 response: correlation_id (response header v0 for ApiVersions), error_code, …
const apiVersionsResponse = sized(i32(0), i16(0), hex('02 00 12 00 00 00 04 00'), i32(0), hex('00'));
// Metadata v1 with a null client_id and a null topic array (all topics)
const metadataV1 = sized(header(3, 1, 7, null), i32(-1));
// ControlledShutdown v0: the one request with header v0 (no client_id)
const controlledShutdownV0 = sized(i16(7), i16(0), i32(9), i32(1));

const tcp9092 = { transport: 'tcp', serverPort: 9092 } as const;
const pieces = (m: Uint8Array, size: number) => {
  const out = [];
  for (let i = 0; i < m.length; i += size) out.push({ dir: 0 as const, payload: m.subarray(i, i + size) });
  return out;
};

test('Kafka ApiVersions v3 request (flexible header) and its response', () => {
  const r = identify([{ dir: 0, payload: apiVersionsV3 }, { dir: 1, payload: apiVersionsResponse }], tcp9092);
  assert.equal(r['protocol'], 'Kafka');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['kafka'], { api_key: 18, request: 'ApiVersions', api_version: 3 });
});

test('Kafka header v1 with a null client_id; header v0; two requests in one segment', () => {
  assert.deepEqual(identify([{ dir: 0, payload: metadataV1 }], { transport: 'tcp', serverPort: 19092 })['kafka'], { api_key: 3, request: 'Metadata', api_version: 1 });
  assert.deepEqual(identify([{ dir: 0, payload: controlledShutdownV0 }], tcp9092)['kafka'], { api_key: 7, request: 'ControlledShutdown', api_version: 0 });
  const apiVersionsV0 = sized(header(18, 0, 1, 'c'));
  assert.deepEqual(identify([{ dir: 0, payload: cat(apiVersionsV0, metadataV1) }], tcp9092)['kafka'], { api_key: 18, request: 'ApiVersions', api_version: 0 });
  // an api_key newer than the names known is accepted, unnamed
  assert.deepEqual(identify([{ dir: 0, payload: sized(header(80, 0, 3, 'c'), hex('00')) }], tcp9092)['kafka'], { api_key: 80, api_version: 0 });
});

test('Kafka large request: named by its header once enough is seen, or by the matching response', () => {
  const produceHeader = cat(header(0, 9, 42, 'producer-1'), hex('00'));
  const produce = cat(i32(60_000), produceHeader, new Uint8Array(1400));
  const r = identify([{ dir: 0, payload: produce }], tcp9092);
  assert.deepEqual(r['kafka'], { api_key: 0, request: 'Produce', api_version: 9 });
  // a short first segment of a large request: the broker's answer with its correlation_id decides
  const start = cat(i32(60_000), produceHeader, new Uint8Array(100));
  const answer = sized(i32(42), hex('00 00 00 00'));
  assert.equal(identify([{ dir: 0, payload: start }, { dir: 1, payload: answer }], tcp9092)['confidence'], 'dpi');
  const stranger = sized(i32(43), hex('00 00 00 00'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: start }, { dir: 1, payload: stranger }], tcp9092), 'Kafka'));
});

test('Kafka: a capture that starts with the broker', () => {
  const r = identify([{ dir: 1, payload: apiVersionsResponse }, { dir: 0, payload: metadataV1 }], tcp9092);
  assert.equal(r['protocol'], 'Kafka');
  assert.equal(r['confidence'], 'dpi');
  // an answer alone is not enough
  assert.ok(notByDpi(identify([{ dir: 1, payload: apiVersionsResponse }], tcp9092), 'Kafka'));
});

test('Kafka split segments: 1-byte, 3-byte and 5-byte pieces', () => {
  const r3 = identify(pieces(apiVersionsV3, 5), tcp9092);
  assert.equal(r3['confidence'], 'dpi');
  assert.equal(identify(pieces(metadataV1, 3), tcp9092)['confidence'], 'dpi');
  const byteByByte = [...pieces(apiVersionsV3.subarray(0, 10), 1), { dir: 0 as const, payload: apiVersionsV3.subarray(10) }];
  assert.deepEqual(identify(byteByByte, tcp9092)['kafka'], { api_key: 18, request: 'ApiVersions', api_version: 3 });
});

test('Kafka: look-alikes and broken requests are refused', () => {
  const others = [
    utf8('GET / HTTP/1.1\r\nHost: example.com\r\n\r\n'),
    hex('16 03 01 00 2f 01 00 00 2b 03 03'),
    utf8('SSH-2.0-OpenSSH_9.6\r\n'),
    hex('03 3a 11 c2 99 04 7e 5b 01 fe 33 20 6c d0 aa 19 42 42 42 42'),
    // PostgreSQL StartupMessage: length, protocol 3.0, "user\0…"
    cat(i32(41), hex('00 03 00 00'), utf8('user\0alice\0database\0db\0application_name\0\0')),
    // SMB2 over NetBIOS session: 00 + 24-bit length, then FE 'SMB'
    cat(hex('00 00 00 48 fe 53 4d 42 40 00'), new Uint8Array(62)),
  ];
  for (const p of others) assert.ok(notByDpi(identify([{ dir: 0, payload: p }], tcp9092), 'Kafka'));
  // truncated: only the size and api_key
  assert.ok(notByDpi(identify([{ dir: 0, payload: apiVersionsV3.subarray(0, 6) }], tcp9092), 'Kafka'));
  // api_version out of range; api_key unknown; negative api_key
  assert.ok(notByDpi(identify([{ dir: 0, payload: sized(header(18, 0x100, 1, 'c')) }], tcp9092), 'Kafka'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: sized(header(500, 0, 1, 'c')) }], tcp9092), 'Kafka'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: sized(header(-2, 0, 1, 'c')) }], tcp9092), 'Kafka'));
  // size too small for a header; client_id longer than the request; a control character in it
  assert.ok(notByDpi(identify([{ dir: 0, payload: cat(i32(9), header(18, 0, 1, null)) }], tcp9092), 'Kafka'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: cat(i32(14), i16(18), i16(0), i32(1), i16(40), utf8('abcd')) }], tcp9092), 'Kafka'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: sized(header(18, 0, 1, 'a\x01b')) }], tcp9092), 'Kafka'));
  // a second request after the first that is not one
  assert.ok(notByDpi(identify([{ dir: 0, payload: cat(metadataV1, hex('00 00 00 10 7f 7f 00 00 00 00 00 00 00 00')) }], tcp9092), 'Kafka'));
});

test('Kafka fuzz', () => {
  fuzz(apiVersionsV3, 'tcp', 9092);
  fuzz(metadataV1, 'tcp', 9092);
  fuzz(apiVersionsResponse, 'tcp', 9092, 1);
});

test('Kafka Produce: the body must fit the request (acks -1/0/1, a timeout, a legal topic name)', () => {
  // Produce v3: transactional_id null, acks -1, timeout 30 s, one topic "events" (its partitions follow)
  const produce = (acks: number, topic: string): Uint8Array =>
    sized(header(0, 3, 5, 'producer-1'), i16(-1), i16(acks), i32(30_000), i32(1), i16(topic.length), utf8(topic), i32(0));
  assert.deepEqual(identify([{ dir: 0, payload: produce(-1, 'events') }], tcp9092)['kafka'], { api_key: 0, request: 'Produce', api_version: 3 });
  assert.deepEqual(identify([{ dir: 0, payload: produce(1, 'app.logs_v2-x') }], { transport: 'tcp', serverPort: 40000 })['kafka'], { api_key: 0, request: 'Produce', api_version: 3 });
  assert.ok(notByDpi(identify([{ dir: 0, payload: produce(7, 'events') }], { transport: 'tcp', serverPort: 40000 }), 'Kafka'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: produce(1, 'bad topic') }], { transport: 'tcp', serverPort: 40000 }), 'Kafka'));
});
