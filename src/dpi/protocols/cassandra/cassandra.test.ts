import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';

const u16 = (v: number): Uint8Array => Uint8Array.of((v >> 8) & 0xff, v & 0xff);
const i32 = (v: number): Uint8Array => Uint8Array.of((v >>> 24) & 0xff, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
const str = (s: string): Uint8Array => cat(u16(s.length), utf8(s));
/** version byte, flags, stream, opcode, body length, body */
const frame = (version: number, flags: number, stream: number, opcode: number, ...body: Uint8Array[]): Uint8Array => {
  const b = cat(...body);
  return cat(Uint8Array.of(version, flags), u16(stream & 0xffff), Uint8Array.of(opcode), i32(b.length), b);
};
const stringMap = (m: Record<string, string>): Uint8Array => cat(u16(Object.keys(m).length), ...Object.entries(m).map(([k, v]) => cat(str(k), str(v))));
const stringMultimap = (m: Record<string, string[]>): Uint8Array =>
  cat(u16(Object.keys(m).length), ...Object.entries(m).map(([k, vs]) => cat(str(k), u16(vs.length), ...vs.map(str))));

const optionsV4 = frame(0x04, 0, 0, 0x05);
const supportedV4 = frame(0x84, 0, 0, 0x06, stringMultimap({ CQL_VERSION: ['3.4.5'], COMPRESSION: ['snappy', 'lz4'], PROTOCOL_VERSIONS: ['3/v3', '4/v4', '5/v5'] }));
const startupV4 = frame(0x04, 0, 1, 0x01, stringMap({ CQL_VERSION: '3.0.0', DRIVER_NAME: 'sonde-test' }));
const readyV4 = frame(0x84, 0, 1, 0x02);
const authenticateV4 = frame(0x84, 0, 1, 0x03, str('org.apache.cassandra.auth.PasswordAuthenticator'));
const authResponse = frame(0x04, 0, 2, 0x0f, i32(6), hex('00 75 00 70 00 00'));
const protocolError = frame(0x84, 0, 0, 0x00, i32(0x000a), str('Invalid or unsupported protocol version (5)'));

const tcp9042 = { transport: 'tcp', serverPort: 9042 } as const;
const pieces = (m: Uint8Array, size: number) => {
  const out = [];
  for (let i = 0; i < m.length; i += size) out.push({ dir: 0 as const, payload: m.subarray(i, i + size) });
  return out;
};

test('Cassandra OPTIONS / SUPPORTED, v3 v4 v5', () => {
  const r = identify([{ dir: 0, payload: optionsV4 }, { dir: 1, payload: supportedV4 }], tcp9042);
  assert.equal(r['protocol'], 'Cassandra');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['cassandra'], { version: 4, opcode: 'OPTIONS' });
  assert.deepEqual(identify([{ dir: 0, payload: frame(0x03, 0, 0, 0x05) }], tcp9042)['cassandra'], { version: 3, opcode: 'OPTIONS' });
  // v5 in its beta form sets USE_BETA (0x10)
  assert.deepEqual(identify([{ dir: 0, payload: frame(0x05, 0x10, 0, 0x05) }], { transport: 'tcp', serverPort: 19042 })['cassandra'], { version: 5, opcode: 'OPTIONS' });
});

test('Cassandra STARTUP answered by READY, AUTHENTICATE or ERROR', () => {
  assert.deepEqual(identify([{ dir: 0, payload: startupV4 }, { dir: 1, payload: readyV4 }], tcp9042)['cassandra'], { version: 4, opcode: 'STARTUP' });
  const startupV5 = frame(0x05, 0, 1, 0x01, stringMap({ CQL_VERSION: '3.0.0', COMPRESSION: 'lz4' }));
  assert.deepEqual(identify([{ dir: 0, payload: startupV5 }, { dir: 1, payload: frame(0x85, 0, 1, 0x03, str('org.apache.cassandra.auth.PasswordAuthenticator')) }], tcp9042)['cassandra'], { version: 5, opcode: 'STARTUP' });
  assert.equal(identify([{ dir: 0, payload: startupV4 }, { dir: 1, payload: authenticateV4 }, { dir: 0, payload: authResponse }], tcp9042)['protocol'], 'Cassandra');
});

test('Cassandra server first: a capture that starts with the answer', () => {
  for (const [answer, opcode] of [[supportedV4, 'SUPPORTED'], [readyV4, 'READY'], [authenticateV4, 'AUTHENTICATE'], [protocolError, 'ERROR']] as const) {
    assert.deepEqual(identify([{ dir: 1, payload: answer }], tcp9042)['cassandra'], { version: 4, opcode });
  }
  // an EVENT pushed by the server on stream -1
  const event = frame(0x84, 0, -1, 0x0c, str('STATUS_CHANGE'), str('UP'), hex('04 0a 00 00 01'), i32(9042));
  assert.deepEqual(identify([{ dir: 1, payload: event }], { transport: 'tcp', serverPort: 9042, handshake: false })['cassandra'], { version: 4, opcode: 'EVENT' });
});

test('Cassandra later messages: QUERY, RESULT, REGISTER, PREPARE, EXECUTE, BATCH', () => {
  const query = frame(0x04, 0, 5, 0x07, i32(26), utf8('SELECT * FROM system.local'), u16(0x0001), hex('00'));
  const result = frame(0x84, 0, 5, 0x08, i32(1));
  const register = frame(0x04, 0, 6, 0x0b, u16(2), str('TOPOLOGY_CHANGE'), str('SCHEMA_CHANGE'));
  const prepare = frame(0x04, 0, 7, 0x09, i32(8), utf8('SELECT 1'));
  const execute = frame(0x04, 0, 8, 0x0a, u16(2), hex('ab cd'), u16(0x0004), hex('00'));
  const batch = frame(0x04, 0, 9, 0x0d, hex('01'), u16(0), u16(1), hex('00'));
  for (const [m, opcode] of [[query, 'QUERY'], [result, 'RESULT'], [register, 'REGISTER'], [prepare, 'PREPARE'], [execute, 'EXECUTE'], [batch, 'BATCH']] as const) {
    assert.equal((identify([{ dir: m[0]! & 0x80 ? 1 : 0, payload: m }], tcp9042)['cassandra'] as Record<string, unknown>)['opcode'], opcode);
  }
  // a large RESULT is judged on its header and kind once a segment's worth is here
  const bigResult = cat(hex('84 00 00 05 08'), i32(100_000), i32(2), new Uint8Array(1400));
  assert.equal(identify([{ dir: 1, payload: bigResult }], tcp9042)['protocol'], 'Cassandra');
});

test('Cassandra split segments: 1-byte and 3-byte pieces', () => {
  assert.deepEqual(identify(pieces(optionsV4, 1), tcp9042)['cassandra'], { version: 4, opcode: 'OPTIONS' });
  // the budget is in packets: a minimal STARTUP (31 bytes) is decided within its 11 pieces
  const minimalStartup = frame(0x04, 0, 1, 0x01, stringMap({ CQL_VERSION: '3.0.0' }));
  assert.deepEqual(identify(pieces(minimalStartup, 3), tcp9042)['cassandra'], { version: 4, opcode: 'STARTUP' });
  assert.deepEqual(identify([{ dir: 0, payload: startupV4.subarray(0, 4) }, { dir: 0, payload: startupV4.subarray(4, 20) }, { dir: 0, payload: startupV4.subarray(20) }], tcp9042)['cassandra'], { version: 4, opcode: 'STARTUP' });
});

test('Cassandra: look-alikes and broken frames are refused', () => {
  const others = [
    utf8('GET / HTTP/1.1\r\nHost: example.com\r\n\r\n'),
    hex('16 03 01 00 2f 01 00 00 2b 03 03'),
    utf8('SSH-2.0-OpenSSH_9.6\r\n'),
    hex('04 3a 11 c2 99 04 7e 5b 01 fe 33 20 6c d0 aa 19'),
    hex('03 00 00 13 0e e0 00 00 00 00 00 01 00 08 00 03 00 00 00'), // TPKT / X.224 (RDP) connection request
  ];
  for (const p of others) assert.ok(notByDpi(identify([{ dir: 0, payload: p }], tcp9042), 'Cassandra'));
  // truncated header
  assert.ok(notByDpi(identify([{ dir: 0, payload: optionsV4.subarray(0, 6) }], tcp9042), 'Cassandra'));
  // version 2 and 6 are not v3–v5; an unknown flag; a response opcode in a request; negative stream
  assert.ok(notByDpi(identify([{ dir: 0, payload: frame(0x02, 0, 0, 0x05) }], tcp9042), 'Cassandra'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: frame(0x06, 0, 0, 0x05) }], tcp9042), 'Cassandra'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: frame(0x03, 0x04, 0, 0x05) }], tcp9042), 'Cassandra'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: frame(0x04, 0, 0, 0x02) }], tcp9042), 'Cassandra'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: frame(0x04, 0, -3, 0x05) }], tcp9042), 'Cassandra'));
  // OPTIONS with a body; STARTUP without CQL_VERSION; STARTUP flagged compressed; map shorter than the body
  assert.ok(notByDpi(identify([{ dir: 0, payload: frame(0x04, 0, 0, 0x05, hex('00')) }], tcp9042), 'Cassandra'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: frame(0x04, 0, 1, 0x01, stringMap({ COMPRESSION: 'lz4' })) }], tcp9042), 'Cassandra'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: frame(0x04, 0x01, 1, 0x01, stringMap({ CQL_VERSION: '3.0.0' })) }], tcp9042), 'Cassandra'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: frame(0x04, 0, 1, 0x01, stringMap({ CQL_VERSION: '3.0.0' }), hex('00')) }], tcp9042), 'Cassandra'));
  // an unknown error code; a frame followed by bytes that are not a frame of the same version
  assert.ok(notByDpi(identify([{ dir: 1, payload: frame(0x84, 0, 0, 0x00, i32(0x7777), str('x')) }], tcp9042), 'Cassandra'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: cat(optionsV4, frame(0x03, 0, 1, 0x05)) }], tcp9042), 'Cassandra'));
});

test('Cassandra fuzz', () => {
  fuzz(startupV4, 'tcp', 9042);
  fuzz(supportedV4, 'tcp', 9042, 1);
});
