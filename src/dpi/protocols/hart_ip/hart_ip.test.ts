import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, type Exchange, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';

// Messages built after HCF_SPEC-085's header (as FieldComm Group's HART-IP server defines it)
// and HCF_SPEC-081's token-passing frame; tshark decodes them as HART_IP.

const tcp = { transport: 'tcp' as const, serverPort: 5094 };
const udp = { transport: 'udp' as const, serverPort: 5094 };

/** a HART-IP message: version, type, id, status, sequence, body (byte count filled in) */
const msg = (version: number, type: number, id: number, status: number, seq: number, body: Uint8Array = new Uint8Array(0)): Uint8Array => {
  const n = 8 + body.length;
  return cat(Uint8Array.of(version, type, id, status, seq >> 8, seq & 0xff, n >> 8, n & 0xff), body);
};

/** a HART frame with its check byte (XOR of the frame) appended */
const frame = (bytes: Uint8Array): Uint8Array => cat(bytes, Uint8Array.of(bytes.reduce((a, b) => a ^ b, 0)));

const SESSION_INITIATE = msg(1, 0, 0, 0, 1, hex('01  00 00 75 30')); // primary master, 30 s inactivity timer
const SESSION_INITIATE_OK = msg(1, 1, 0, 0, 1, hex('01  00 00 75 30'));
const KEEP_ALIVE = msg(1, 0, 2, 0, 7);
const CLOSE = msg(1, 0, 1, 0, 9);
/** command 0 (read unique identifier) to polling address 0, short frame */
const CMD0 = msg(1, 0, 3, 0, 2, frame(hex('02 80 00 00')));
/** command 3 (read dynamic variables) to a long address, and the device's answer */
const CMD3 = msg(1, 0, 3, 0, 3, frame(hex('82 a6 1a 0b 1c 2d  03 00')));
const CMD3_REPLY = msg(1, 1, 3, 0, 3, frame(hex('86 a6 1a 0b 1c 2d  03 0b  00 00  41 20 00 00  20  42 c8 00 00')));

const hip = (r: Record<string, unknown>): unknown => r['hart_ip'];

test('HART-IP: session initiate, pass-through command and keep alive over TCP 5094', () => {
  const r = identify([{ dir: 0, payload: SESSION_INITIATE }, { dir: 1, payload: SESSION_INITIATE_OK }, { dir: 0, payload: CMD0 }], tcp);
  assert.equal(r['protocol'], 'HART-IP');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(hip(r), { version: 1, message_type: 'request', message_id: 'session_initiate' });
  assert.deepEqual(hip(identify([{ dir: 0, payload: CMD3 }, { dir: 1, payload: CMD3_REPLY }], tcp)), { version: 1, message_type: 'request', message_id: 'token_passing_pdu', hart_command: 3 });
  assert.deepEqual(hip(identify([{ dir: 0, payload: KEEP_ALIVE }], tcp)), { version: 1, message_type: 'request', message_id: 'keep_alive' });
  assert.deepEqual(hip(identify([{ dir: 0, payload: CLOSE }], tcp)), { version: 1, message_type: 'request', message_id: 'session_close' });
  // version 2 headers
  assert.deepEqual(hip(identify([{ dir: 0, payload: msg(2, 0, 0, 0, 1, hex('01 00 00 75 30')) }], tcp)), { version: 2, message_type: 'request', message_id: 'session_initiate' });
});

test('HART-IP: the capture starts with the device (response, publish, error, NAK)', () => {
  assert.deepEqual(hip(identify([{ dir: 1, payload: CMD3_REPLY }], tcp)), { version: 1, message_type: 'response', message_id: 'token_passing_pdu', hart_command: 3 });
  const burst = msg(1, 2, 3, 0, 40, frame(hex('81 a6 1a 0b 1c 2d  01 07  00 00  20  42 c8 00 00')));
  assert.deepEqual(hip(identify([{ dir: 1, payload: burst }], udp)), { version: 1, message_type: 'publish', message_id: 'token_passing_pdu', hart_command: 1 });
  assert.deepEqual(hip(identify([{ dir: 1, payload: msg(1, 3, 0, 14, 1) }], udp)), { version: 1, message_type: 'error', message_id: 'session_initiate' });
  assert.deepEqual(hip(identify([{ dir: 1, payload: msg(1, 15, 2, 5, 1) }], udp)), { version: 1, message_type: 'nak', message_id: 'keep_alive' });
});

test('HART-IP: UDP datagrams, and a discovery request on port 5094', () => {
  assert.deepEqual(hip(identify([{ dir: 0, payload: CMD0 }], udp)), { version: 1, message_type: 'request', message_id: 'token_passing_pdu', hart_command: 0 });
  assert.deepEqual(hip(identify([{ dir: 0, payload: msg(1, 0, 128, 0, 1) }], udp)), { version: 1, message_type: 'request', message_id: 'discovery' });
});

test('HART-IP: messages split into 1-byte and odd-sized TCP segments', () => {
  // the header and the frame's first bytes one at a time, then the rest
  const ones: Exchange[] = [...CMD3.subarray(0, 10)].map((b) => ({ dir: 0 as const, payload: Uint8Array.of(b) }));
  ones.push({ dir: 0, payload: CMD3.subarray(10) });
  assert.equal(identify(ones, tcp)['protocol'], 'HART-IP');
  const threes: Exchange[] = [];
  for (let i = 0; i < SESSION_INITIATE.length; i += 5) threes.push({ dir: 0, payload: SESSION_INITIATE.subarray(i, i + 5) });
  assert.equal(identify(threes, tcp)['protocol'], 'HART-IP');
});

test('HART-IP: off port 5094, a checked HART frame or a request answered', () => {
  const off = { transport: 'tcp' as const, serverPort: 20004 };
  assert.equal(identify([{ dir: 0, payload: CMD0 }], off)['protocol'], 'HART-IP');
  assert.equal(identify([{ dir: 0, payload: SESSION_INITIATE }, { dir: 1, payload: SESSION_INITIATE_OK }], off)['protocol'], 'HART-IP');
  assert.ok(notByDpi(identify([{ dir: 0, payload: SESSION_INITIATE }], off), 'HART-IP'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: KEEP_ALIVE }], { transport: 'udp', serverPort: 20004 }), 'HART-IP'));
  const otherSeq = msg(1, 1, 0, 0, 2, hex('01 00 00 75 30'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: SESSION_INITIATE }, { dir: 1, payload: otherSeq }], off), 'HART-IP'));
});

test('HART-IP: broken messages and other protocols are not HART-IP', () => {
  const mutated = (m: Uint8Array, i: number, v: number): Uint8Array => {
    const c = Uint8Array.from(m);
    c[i] = v;
    return c;
  };
  const bad = [
    mutated(CMD0, 0, 3), // version
    mutated(CMD0, 1, 4), // message type
    mutated(CMD0, 2, 5), // message id
    mutated(CMD0, 7, 0x0e), // byte count beyond the datagram
    mutated(CMD0, 7, 0x07), // byte count below the header
    mutated(CMD0, CMD0.length - 1, 0x83), // HART check byte
    mutated(CMD0, 8, 0x03), // frame type 3 is not defined
    mutated(CMD0, 8, 0x0a), // physical layer type bits
    mutated(SESSION_INITIATE, 8, 2), // master type 2
    msg(1, 0, 0, 0, 1, hex('01 00 00')), // session initiate body too short
    msg(1, 0, 2, 0, 1, hex('00')), // keep alive with a body
    cat(CMD0, hex('00')),
    utf8('GET / HTTP/1.1\r\nHost: example.com\r\n\r\n'),
    hex('16 03 01 00 2f 01 00 00 2b 03 03'),
    utf8('SSH-2.0-OpenSSH_9.6\r\n'),
    hex('01 00 03 00 5c 90 00 0f 42 6b 00 d9 3e 77 10'),
  ];
  for (const b of bad) {
    assert.ok(notByDpi(identify([{ dir: 0, payload: b }], udp), 'HART-IP'), Buffer.from(b).toString('hex'));
  }
  for (const b of bad.slice(0, 11)) assert.ok(notByDpi(identify([{ dir: 0, payload: b }, { dir: 0, payload: hex('ff ff ff ff ff ff ff ff') }], tcp), 'HART-IP'), `tcp ${Buffer.from(b).toString('hex')}`);
  assert.ok(notByDpi(identify([{ dir: 0, payload: Uint8Array.from({ length: 64 }, (_, i) => (i * 151 + 7) & 0xff) }], { transport: 'udp', serverPort: 50999 }), 'HART-IP'));
});

test('HART-IP: fuzz', () => {
  fuzz(CMD3, 'tcp', 5094);
  fuzz(CMD3_REPLY, 'udp', 5094, 1);
  fuzz(SESSION_INITIATE, 'tcp', 5094);
});
