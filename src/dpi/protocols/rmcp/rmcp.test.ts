import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';

// Messages built after DSP0136 (ASF 2.0) §3.2.2 and §3.2.4, and IPMI v1.5 §12 / v2.0 §13.

const udp = { transport: 'udp' as const, serverPort: 623 };

/** an IPMI message with both of its two's-complement checksums filled in */
const ipmiMessage = (rsAddr: number, netFnLun: number, rqAddr: number, rqSeq: number, cmd: number, data: number[]): Uint8Array => {
  const check = (bytes: number[]): number => (0x100 - (bytes.reduce((a, b) => a + b, 0) & 0xff)) & 0xff;
  const tail = [rqAddr, rqSeq, cmd, ...data];
  return Uint8Array.of(rsAddr, netFnLun, check([rsAddr, netFnLun]), ...tail, check(tail));
};

const PRESENCE_PING = hex(`
  06 00 ff 06   # RMCP: version 1.0 (06), reserved, sequence ff (no ACK), class ASF
  00 00 11 be   # IANA enterprise number 4542 (ASF)
  80            # message type: Presence Ping
  2a            # message tag
  00            # reserved
  00            # data length 0
`);
const PRESENCE_PONG = hex(`
  06 00 ff 06
  00 00 11 be   # IANA 4542
  40 2a 00 10   # Presence Pong, tag copied, reserved, 16 data bytes
  00 00 11 be   # data: IANA of the OEM capabilities (none: ASF's own)
  00 00 00 00   # OEM defined
  81            # supported entities: IPMI, ASF 1.0
  00            # supported interactions
  00 00 00 00 00 00
`);

/** IPMI v1.5, no authentication, outside a session: Get Channel Authentication Capabilities */
const GET_CHANNEL_AUTH_CAPS = cat(
  hex(`
    06 00 ff 07   # RMCP, class IPMI
    00            # auth type: none
    00 00 00 00   # session sequence number
    00 00 00 00   # session id
    09            # message length
  `),
  ipmiMessage(0x20, 0x06 << 2, 0x81, 0x00, 0x38, [0x8e, 0x04]), // BMC, netFn App; channel E (+v2.0 bit), Administrator
);
const GET_CHANNEL_AUTH_CAPS_REPLY = cat(
  hex('06 00 ff 07  00  00 00 00 00  00 00 00 00  10'),
  ipmiMessage(0x81, 0x07 << 2, 0x20, 0x00, 0x38, [0x00, 0x01, 0x97, 0x04, 0x03, 0x00, 0x00, 0x00, 0x00]),
);

/** v1.5 inside a session, with a 16-byte authentication code (MD5 = 2, straight password = 4) */
const inSession = (authType: number): Uint8Array =>
  cat(
    Uint8Array.of(0x06, 0x00, 0xff, 0x07, authType),
    hex('01 00 00 00   78 56 34 12'), // sequence, session id
    new Uint8Array(16).fill(0x5a), // auth code
    Uint8Array.of(0x07),
    ipmiMessage(0x20, 0x06 << 2, 0x81, 0x04, 0x3b, []), // Set Session Privilege Level, no data
  );

/** RMCP+ (IPMI v2.0) header for a payload outside a session */
const rmcpPlus = (payloadType: number, payload: Uint8Array): Uint8Array =>
  cat(hex('06 00 ff 07  06'), Uint8Array.of(payloadType), hex('00 00 00 00  00 00 00 00'), Uint8Array.of(payload.length & 0xff, payload.length >> 8), payload);

const OPEN_SESSION_REQUEST = rmcpPlus(0x10, hex(`
  01 04 00 00   # message tag, requested maximum privilege (Administrator), reserved
  a4 a3 a2 a0   # remote console session id
  00 00 00 08  01 00 00 00   # authentication algorithm: RAKP-HMAC-SHA1
  01 00 00 08  01 00 00 00   # integrity algorithm: HMAC-SHA1-96
  02 00 00 08  01 00 00 00   # confidentiality algorithm: AES-CBC-128
`));
const RAKP_1 = rmcpPlus(0x12, cat(
  hex('00 00 00 00  01 02 03 04'), // tag, reserved, managed system session id
  new Uint8Array(16).fill(0x33), // remote console random number
  hex('14 00 00 00'), // role, reserved, user name length 0
  new Uint8Array(16),
));

test('RMCP: ASF Presence Ping and the Pong that answers it', () => {
  const r = identify([{ dir: 0, payload: PRESENCE_PING }, { dir: 1, payload: PRESENCE_PONG }], udp);
  assert.equal(r['protocol'], 'RMCP');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['rmcp'], { message_class: 'ASF', message: 'presence_ping' });
});

test('RMCP: the answer first (a capture that starts with the managed client)', () => {
  const r = identify([{ dir: 1, payload: PRESENCE_PONG }], udp);
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['rmcp'], { message_class: 'ASF', message: 'presence_pong' });
  const ack = identify([{ dir: 1, payload: hex('06 00 05 86') }, { dir: 1, payload: PRESENCE_PONG }], udp);
  assert.deepEqual(ack['rmcp'], { message_class: 'ASF', message: 'ack' });
});

test('RMCP: the other ASF requests (capabilities, system state, reset)', () => {
  for (const [type, name] of [[0x81, 'capabilities_request'], [0x82, 'system_state_request'], [0x10, 'reset']] as const) {
    const m = cat(hex('06 00 07 06  00 00 11 be'), Uint8Array.of(type, 0x01, 0x00, 0x00));
    assert.deepEqual(identify([{ dir: 0, payload: m }], udp)['rmcp'], { message_class: 'ASF', message: name });
  }
});

test('RMCP: IPMI v1.5 Get Channel Authentication Capabilities, request and reply', () => {
  const r = identify([{ dir: 0, payload: GET_CHANNEL_AUTH_CAPS }, { dir: 1, payload: GET_CHANNEL_AUTH_CAPS_REPLY }], udp);
  assert.equal(r['protocol'], 'RMCP');
  assert.deepEqual(r['rmcp'], { message_class: 'IPMI', message: 'ipmi', ipmi_version: '1.5', auth_type: 'none' });
  const reply = identify([{ dir: 1, payload: GET_CHANNEL_AUTH_CAPS_REPLY }], udp);
  assert.deepEqual(reply['rmcp'], { message_class: 'IPMI', message: 'ipmi', ipmi_version: '1.5', auth_type: 'none' });
  // with the legacy pad byte
  const padded = cat(GET_CHANNEL_AUTH_CAPS, Uint8Array.of(0));
  assert.equal(identify([{ dir: 0, payload: padded }], udp)['confidence'], 'dpi');
});

test('RMCP: IPMI v1.5 in a session: MD5, and a straight password flagged', () => {
  const md5 = identify([{ dir: 0, payload: inSession(0x02) }], udp);
  assert.deepEqual(md5['rmcp'], { message_class: 'IPMI', message: 'ipmi', ipmi_version: '1.5', auth_type: 'md5' });
  assert.ok(!((md5['risks'] as string[] | undefined) ?? []).includes('clear_text_credentials'));
  const password = identify([{ dir: 0, payload: inSession(0x04) }], udp);
  assert.deepEqual(password['rmcp'], { message_class: 'IPMI', message: 'ipmi', ipmi_version: '1.5', auth_type: 'password' });
  assert.ok((password['risks'] as string[]).includes('clear_text_credentials'));
});

test('RMCP: IPMI v2.0 (RMCP+) Open Session Request and RAKP Message 1', () => {
  assert.deepEqual(identify([{ dir: 0, payload: OPEN_SESSION_REQUEST }], udp)['rmcp'], { message_class: 'IPMI', message: 'open_session_request', ipmi_version: '2.0', auth_type: 'rmcp+' });
  assert.deepEqual(identify([{ dir: 0, payload: RAKP_1 }], udp)['rmcp'], { message_class: 'IPMI', message: 'rakp_message_1', ipmi_version: '2.0', auth_type: 'rmcp+' });
  // the BMC's Open Session Response (36 bytes) seen first
  const response = rmcpPlus(0x11, cat(hex('01 00 04 00  a4 a3 a2 a0  01 02 03 04'), new Uint8Array(24)));
  assert.deepEqual(identify([{ dir: 1, payload: response }], udp)['rmcp'], { message_class: 'IPMI', message: 'open_session_response', ipmi_version: '2.0', auth_type: 'rmcp+' });
});

test('RMCP: IPMI v2.0 in a session: encrypted and authenticated payload with its trailer', () => {
  const m = cat(
    hex('06 00 ff 07  06  c0'), // RMCP+, payload IPMI, encrypted + authenticated
    hex('01 02 03 04  05 00 00 00  20 00'), // session id, sequence, 32 payload bytes
    new Uint8Array(32).fill(0xc3),
    hex('ff ff 02 07'), // integrity pad, pad length 2, next header
    new Uint8Array(12).fill(0x11), // HMAC-SHA1-96 AuthCode
  );
  assert.deepEqual(identify([{ dir: 0, payload: m }], udp)['rmcp'], { message_class: 'IPMI', message: 'ipmi', ipmi_version: '2.0', auth_type: 'rmcp+' });
  const badTrailer = Uint8Array.from(m);
  badTrailer[m.length - 13] = 0x06; // next header must be 07
  assert.ok(notByDpi(identify([{ dir: 0, payload: badTrailer }], udp), 'RMCP'));
});

test('RMCP: the secure port 664, an RSP header with the bypass session id', () => {
  const r = identify([{ dir: 0, payload: cat(hex('00 00 00 00  00 00 00 00'), PRESENCE_PING) }], { transport: 'udp', serverPort: 664 });
  assert.equal(r['protocol'], 'RMCP');
  assert.equal(r['confidence'], 'dpi');
});

test('RMCP: off the RMCP ports, only the self-checking messages', () => {
  assert.equal(identify([{ dir: 0, payload: PRESENCE_PING }], { transport: 'udp', serverPort: 40000 })['confidence'], 'dpi');
  assert.equal(identify([{ dir: 0, payload: GET_CHANNEL_AUTH_CAPS }], { transport: 'udp', serverPort: 40000 })['confidence'], 'dpi');
  assert.ok(notByDpi(identify([{ dir: 0, payload: hex('06 00 05 86') }], { transport: 'udp', serverPort: 40000 }), 'RMCP'));
  // an OEM's own ASF messages (another IANA number) are trusted on the RMCP ports only
  const oem = hex('06 00 ff 06  00 00 01 57  10 01 00 00');
  assert.deepEqual(identify([{ dir: 0, payload: oem }], udp)['rmcp'], { message_class: 'ASF', message: 'oem' });
  assert.ok(notByDpi(identify([{ dir: 0, payload: oem }], { transport: 'udp', serverPort: 40000 }), 'RMCP'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: hex('06 00 ff 08  00 00 01 02  03 04 05 06') }], { transport: 'udp', serverPort: 40000 }), 'RMCP'));
});

test('RMCP: broken headers and other protocols are not RMCP', () => {
  const mutated = (m: Uint8Array, i: number, v: number): Uint8Array => {
    const c = Uint8Array.from(m);
    c[i] = v;
    return c;
  };
  const bad = [
    mutated(PRESENCE_PING, 0, 0x07), // RMCP version
    mutated(PRESENCE_PING, 1, 0x01), // reserved byte
    mutated(PRESENCE_PING, 3, 0x05), // class 5 is reserved
    mutated(PRESENCE_PING, 3, 0x26), // reserved class bits
    mutated(PRESENCE_PING, 8, 0x99), // undefined ASF message type
    mutated(PRESENCE_PING, 11, 0x04), // data length beyond the datagram
    mutated(GET_CHANNEL_AUTH_CAPS, 4, 0x03), // reserved authentication type
    mutated(GET_CHANNEL_AUTH_CAPS, 16, 0xc9), // header checksum
    mutated(GET_CHANNEL_AUTH_CAPS, GET_CHANNEL_AUTH_CAPS.length - 1, 0xb6), // data checksum
    mutated(GET_CHANNEL_AUTH_CAPS, 13, 0x0a), // message length
    mutated(OPEN_SESSION_REQUEST, 5, 0x17), // undefined payload type
    mutated(OPEN_SESSION_REQUEST, 6, 0x01), // a session id on a pre-session message
    PRESENCE_PING.subarray(0, 10), // truncated
    GET_CHANNEL_AUTH_CAPS.subarray(0, 20),
    utf8('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
    hex('16 03 01 00 2e 01 00 00 2a 03 03'),
    utf8('SSH-2.0-OpenSSH_9.6\r\n'),
    hex('06 00 ff 06 9c 1e 77 03 bd 41 c8 5a'), // random bytes after a valid-looking RMCP header
  ];
  for (const b of bad) assert.ok(notByDpi(identify([{ dir: 0, payload: b }], udp), 'RMCP'), Buffer.from(b).toString('hex'));
});

test('RMCP: fuzz', () => {
  fuzz(PRESENCE_PING, 'udp', 623, 0);
  fuzz(GET_CHANNEL_AUTH_CAPS, 'udp', 623, 0);
  fuzz(OPEN_SESSION_REQUEST, 'udp', 623, 1);
});
