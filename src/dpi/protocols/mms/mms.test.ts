import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, type Exchange, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';
import { scanStream } from './index.js';

// PDUs built after ISO 9506-2 (MMS), ISO 8650 (ACSE), ISO 8823 (presentation), ISO 8327-1
// (session), ISO 8073 (COTP) and RFC 1006 (TPKT), each BER length computed here.

/** a BER TLV with a one-byte tag and a definite length */
const ber = (tag: number, ...content: Uint8Array[]): Uint8Array => {
  const body = cat(...content);
  const n = body.length;
  const length = n < 0x80 ? Uint8Array.of(n) : n < 0x100 ? Uint8Array.of(0x81, n) : Uint8Array.of(0x82, n >> 8, n & 0xff);
  return cat(Uint8Array.of(tag), length, body);
};
/** a session SPDU or parameter: code, length (one byte, or 0xFF and two), value */
const session = (code: number, ...content: Uint8Array[]): Uint8Array => {
  const body = cat(...content);
  const n = body.length;
  return cat(Uint8Array.of(code), n < 0xff ? Uint8Array.of(n) : Uint8Array.of(0xff, n >> 8, n & 0xff), body);
};
/** TPKT + COTP DT; `last` sets the end-of-TSDU bit */
const dt = (data: Uint8Array, last = true): Uint8Array => {
  const size = 7 + data.length;
  return cat(Uint8Array.of(3, 0, size >> 8, size & 0xff, 0x02, 0xf0, last ? 0x80 : 0x00), data);
};

const CR = hex('03 00 00 16 11 e0 00 00 00 01 00 c0 01 0d c2 02 00 01 c1 02 00 01'); // TPDU size 8192, TSAPs 0001
const CC = hex('03 00 00 16 11 d0 00 01 00 01 00 c0 01 0d c2 02 00 01 c1 02 00 01');

const MMS_APPLICATION_CONTEXT = ber(0xa1, hex('06 05 28 ca 22 02 03')); // 1.0.9506.2.3
const initiateDetail = ber(0xa4, hex('80 01 01'), hex('81 03 05 f1 00'), hex('82 0c 03 ee 1c 00 00 04 08 00 00 79 ef 18'));
const INITIATE_REQUEST = ber(0xa8, hex('80 03 00 fd e8'), hex('81 01 05 82 01 05 83 01 0a'), initiateDetail);
const INITIATE_RESPONSE = ber(0xa9, hex('80 03 00 fd e8'), hex('81 01 05 82 01 05 83 01 0a'), initiateDetail);

/** ACSE user-information: one EXTERNAL (BER transfer syntax, context 3) carrying `mms` */
const userInformation = (mms: Uint8Array): Uint8Array => ber(0xbe, ber(0x28, hex('06 02 51 01'), hex('02 01 03'), ber(0xa0, mms)));
const AARQ = ber(0x60, MMS_APPLICATION_CONTEXT, hex('a2 07 06 05 29 01 87 67 01 a3 03 02 01 0c'), userInformation(INITIATE_REQUEST));
const AARE = ber(0x61, MMS_APPLICATION_CONTEXT, hex('a2 03 02 01 00 a3 05 a1 03 02 01 00'), userInformation(INITIATE_RESPONSE));

/** fully-encoded-data: one PDV-list on presentation context `context` */
const userData = (context: number, pdu: Uint8Array): Uint8Array => ber(0x61, ber(0x30, Uint8Array.of(2, 1, context), ber(0xa0, pdu)));

const CP_TYPE = ber(0x31,
  hex('a0 03 80 01 01'), // mode: normal
  ber(0xa2,
    hex('81 04 00 00 00 01 82 04 00 00 00 01'), // calling, called presentation selectors
    ber(0xa4, // context definitions: ACSE (1), MMS (3), BER transfer syntax
      ber(0x30, hex('02 01 01 06 04 52 01 00 01 30 04 06 02 51 01')),
      ber(0x30, hex('02 01 03 06 05 28 ca 22 02 01 30 04 06 02 51 01'))),
    hex('88 02 06 00'), // presentation requirements
    userData(1, AARQ)));
const CPA_PPDU = ber(0x31,
  hex('a0 03 80 01 01'),
  ber(0xa2, hex('83 04 00 00 00 01'), ber(0xa5, hex('30 03 80 01 00 30 03 80 01 00')), userData(1, AARE)));

const sessionParameters = cat(session(0x05, hex('13 01 00 16 01 02')), session(0x14, hex('00 02')), session(0x33, hex('00 01')), session(0x34, hex('00 01')));
const CONNECT = dt(session(0x0d, sessionParameters, session(0xc1, CP_TYPE)));
const ACCEPT = dt(session(0x0e, session(0x05, hex('13 01 00 16 01 02')), session(0x14, hex('00 02')), session(0xc1, CPA_PPDU)));

/** after the association: Give-Tokens + Data Transfer SPDUs, then presentation data */
const transfer = (pdu: Uint8Array): Uint8Array => dt(cat(hex('01 00 01 00'), userData(3, pdu)));
const GET_NAME_LIST = transfer(ber(0xa0, hex('02 01 01'), ber(0xa1, hex('a0 03 80 01 09 a1 02 80 00'))));
const GET_NAME_LIST_RESPONSE = transfer(ber(0xa1, hex('02 01 01'), ber(0xa1, ber(0xa0, hex('1a 04 4c 44 30 31')), hex('81 01 00'))));
const INFORMATION_REPORT = transfer(ber(0xa3, ber(0xa0, hex('a1 05 80 03 52 50 54'), hex('a0 03 85 01 00'))));
const CONCLUDE = transfer(hex('8b 00'));

const opts = { transport: 'tcp' as const, serverPort: 102 };

test('MMS: COTP set-up, then initiate-Request in ACSE AARQ and initiate-Response in AARE', () => {
  const r = identify([{ dir: 0, payload: CR }, { dir: 1, payload: CC }, { dir: 0, payload: CONNECT }, { dir: 1, payload: ACCEPT }], opts);
  assert.equal(r['protocol'], 'MMS');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['mms'], { pdu: 'initiate-Request' });
  // the server's side first (a capture that missed the client's packets)
  assert.deepEqual(identify([{ dir: 1, payload: cat(CC, ACCEPT) }], { ...opts, handshake: false })['mms'], { pdu: 'initiate-Response' });
});

test('MMS: a capture joined after the association: confirmed, unconfirmed and conclude PDUs', () => {
  for (const [m, pdu, dir] of [[GET_NAME_LIST, 'confirmed-Request', 0], [GET_NAME_LIST_RESPONSE, 'confirmed-Response', 1], [INFORMATION_REPORT, 'unconfirmed', 1], [CONCLUDE, 'conclude-Request', 0]] as const) {
    const r = identify([{ dir, payload: m }], { ...opts, handshake: false });
    assert.equal(r['protocol'], 'MMS', pdu);
    assert.deepEqual(r['mms'], { pdu });
  }
});

test('MMS: the connect in small pieces, and split over two COTP data units', () => {
  const parts: Exchange[] = [{ dir: 0, payload: CR }, { dir: 1, payload: CC }];
  for (let i = 0; i < 8; i++) parts.push({ dir: 0, payload: CONNECT.subarray(i, i + 1) });
  for (let i = 8; i < CONNECT.length; i += 16) parts.push({ dir: 0, payload: CONNECT.subarray(i, i + 16) });
  assert.deepEqual(identify(parts, opts)['mms'], { pdu: 'initiate-Request' });
  const tsdu = CONNECT.subarray(7);
  const two = cat(dt(tsdu.subarray(0, 60), false), dt(tsdu.subarray(60)));
  assert.deepEqual(identify([{ dir: 0, payload: CR }, { dir: 1, payload: CC }, { dir: 0, payload: two }], opts)['mms'], { pdu: 'initiate-Request' });
  // the first unit alone decides nothing
  assert.equal(scanStream(two, 0, 7 + 60), undefined);
});

test('MMS: other protocols on port 102 and look-alikes are not MMS', () => {
  const s7 = hex('03 00 00 19 02 f0 80 32 01 00 00 00 00 00 08 00 00 f0 00 00 01 00 01 01 e0');
  const s7plus = cat(hex('03 00 00 1a 02 f0 80 72 01 00 0b 31 00 00 04 ca 00 00 00 01 00 00'), hex('72 01 00 00'));
  const rdpMcs = hex('03 00 00 0c 02 f0 80 7f 65 82 01 00');
  // an AARQ for another application (no initiate PDU in its user information)
  const otherApdu = ber(0x60, hex('a1 07 06 05 28 ca 22 02 03'), userInformation(ber(0x30, hex('02 01 01'))));
  const otherCp = ber(0x31, hex('a0 03 80 01 01'), ber(0xa2, userData(1, otherApdu)));
  const notMms = dt(session(0x0d, sessionParameters, session(0xc1, otherCp)));
  // a length that overruns its parent
  const overrun = Uint8Array.from(CONNECT);
  overrun[CONNECT.length - INITIATE_REQUEST.length + 1]! += 4;
  const badToken = Uint8Array.from(GET_NAME_LIST);
  badToken[8] = 0x05; // not Data Transfer after Give-Tokens
  const noInvoke = transfer(ber(0xa0, hex('0a 01 01'), ber(0xa1, hex('80 00'))));
  const cases: Exchange[][] = [
    [{ dir: 0, payload: 'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n' }],
    [{ dir: 0, payload: hex('16 03 01 00 2f 01 00 00 2b 03 03') }],
    [{ dir: 0, payload: 'SSH-2.0-OpenSSH_9.6\r\n' }],
    [{ dir: 0, payload: hex('03 00 5c 90 01 fe 42 6b 00 d9 3e 77 10 2c 55 01 99 12 00 00 7a 11 3b 02 00') }],
    [{ dir: 0, payload: CR }, { dir: 1, payload: CC }, { dir: 0, payload: s7 }],
    [{ dir: 0, payload: CR }, { dir: 1, payload: CC }, { dir: 0, payload: s7plus }],
    [{ dir: 0, payload: CR }, { dir: 1, payload: CC }, { dir: 0, payload: rdpMcs }],
    [{ dir: 0, payload: CR }, { dir: 1, payload: CC }, { dir: 0, payload: notMms }],
    [{ dir: 0, payload: CR }, { dir: 1, payload: CC }, { dir: 0, payload: overrun }],
    [{ dir: 0, payload: CONNECT.subarray(0, 100) }], // truncated
    [{ dir: 0, payload: badToken }],
    [{ dir: 0, payload: noInvoke }],
    [{ dir: 0, payload: CR }, { dir: 1, payload: CC }], // set-up only
  ];
  for (const [i, c] of cases.entries()) assert.ok(notByDpi(identify(c, opts), 'MMS'), `case ${i}`);
  // classic S7comm still names its own flow
  assert.equal(identify([{ dir: 0, payload: CR }, { dir: 1, payload: CC }, { dir: 0, payload: s7 }], opts)['protocol'], 'S7Comm');
});

test('MMS: fuzzed first payloads', () => {
  fuzz(CONNECT, 'tcp', 102);
  fuzz(GET_NAME_LIST, 'tcp', 102, 0, 80);
  fuzz(ACCEPT, 'tcp', 102, 1, 80);
});
