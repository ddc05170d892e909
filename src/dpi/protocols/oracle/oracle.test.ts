import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';
import { tnsFirstPacket } from './index.js';

const tcp = (serverPort = 1521) => ({ transport: 'tcp' as const, serverPort });

/** sets a packet's 16-bit length field to its size */
const framed = (p: Uint8Array): Uint8Array => {
  new DataView(p.buffer, p.byteOffset).setUint16(0, p.length);
  return p;
};

const DESCRIPTOR = '(DESCRIPTION=(CONNECT_DATA=(SERVICE_NAME=orcl)(CID=(PROGRAM=sqlplus)(HOST=client)(USER=test)))(ADDRESS=(PROTOCOL=TCP)(HOST=192.0.2.1)(PORT=1521)))';
const descriptor = utf8(DESCRIPTOR);

const connectHead = (dataLength: number): Uint8Array => hex(`
  00 00 00 00 01 00 00 00   # length (set below), packet checksum, CONNECT, flags, header checksum
  01 3c 01 2c               # version 316, compatible down to 300
  0c 41 20 00 ff ff         # service options, SDU 8192, TDU 65535
  7f 08 00 00 01 00         # protocol characteristics, line turnaround, 1 in this host's byte order
  ${dataLength.toString(16).padStart(4, '0')} 00 3a   # connect data: length, offset 58
  00 00 08 00 41 41         # most connect data receivable, connect flags
  ${'00 '.repeat(24)}       # trace and connection id fields
`);
const connect = framed(cat(connectHead(descriptor.length), descriptor));

const accept = framed(hex(`
  00 00 00 00 02 00 00 00   # ACCEPT
  01 3a 0c 41 20 00 ff ff   # version 314, service options, SDU, TDU
  01 00 00 00 00 20         # 1 in the server's byte order, no accept data (offset 32)
  41 01 00 00 00 00 00 00   # connect flags, reserved
`));
const refuseText = utf8('(DESCRIPTION=(TMP=)(VSNNUM=318767104)(ERR=12514)(ERROR_STACK=(ERROR=(CODE=12514)(EMFI=4))))');
const refuse = framed(cat(hex(`04 00 00 00 04 00 00 00  22 00 ${refuseText.length.toString(16).padStart(4, '0')}`), refuseText));
const redirectText = utf8('(ADDRESS=(PROTOCOL=tcp)(HOST=198.51.100.7)(PORT=40123))');
const redirect = framed(cat(hex(`00 00 00 00 05 00 00 00  ${redirectText.length.toString(16).padStart(4, '0')}`), redirectText));
const resend = hex('00 08 00 00 0b 00 00 00');

test('Oracle TNS: CONNECT answered by ACCEPT', () => {
  const r = identify([{ dir: 0, payload: connect }, { dir: 1, payload: accept }], tcp());
  assert.equal(r['protocol'], 'Oracle');
  assert.equal(r['confidence'], 'dpi');
  assert.equal(r['category'], 'Database');
  assert.deepEqual(r['oracle'], { version: 316, first_packet: 'CONNECT' });
});

test('Oracle TNS: CONNECT on another port; REFUSE, REDIRECT and RESEND answers', () => {
  assert.deepEqual(identify([{ dir: 0, payload: connect }, { dir: 1, payload: refuse }], tcp(1526))['oracle'], { version: 316, first_packet: 'CONNECT' });
  assert.deepEqual(identify([{ dir: 0, payload: connect }, { dir: 1, payload: redirect }], tcp(1522))['oracle'], { version: 316, first_packet: 'CONNECT' });
  assert.deepEqual(identify([{ dir: 0, payload: connect }, { dir: 1, payload: resend }, { dir: 0, payload: connect }], tcp(1530))['oracle'], { version: 316, first_packet: 'CONNECT' });
});

test('Oracle TNS: a capture that starts with the listener (ACCEPT, REFUSE, REDIRECT, RESEND)', () => {
  assert.deepEqual(identify([{ dir: 1, payload: accept }], tcp())['oracle'], { version: 314, first_packet: 'ACCEPT' });
  assert.deepEqual(identify([{ dir: 1, payload: refuse }], tcp(1600))['oracle'], { first_packet: 'REFUSE' });
  assert.deepEqual(identify([{ dir: 1, payload: redirect }], tcp(1600))['oracle'], { first_packet: 'REDIRECT' });
  assert.deepEqual(identify([{ dir: 1, payload: resend }], tcp())['oracle'], { first_packet: 'RESEND' });
  // eight bytes off the listener's port are not enough
  assert.ok(notByDpi(identify([{ dir: 1, payload: resend }], tcp(1600)), 'Oracle'));
});

test('Oracle TNS: a long descriptor sent after the CONNECT, and older versions', () => {
  const long = utf8(`(DESCRIPTION=(CONNECT_DATA=(SERVICE_NAME=${'x'.repeat(300)})))`);
  const head = framed(connectHead(long.length));
  const data = framed(cat(hex('00 00 00 00 06 00 00 00 00 00'), long));
  assert.deepEqual(identify([{ dir: 0, payload: head }, { dir: 0, payload: data }], tcp())['oracle'], { version: 316, first_packet: 'CONNECT' });
  const v310 = Uint8Array.from(connect);
  v310.set([0x01, 0x36], 8); // 310 (Oracle 9i era)
  assert.deepEqual(tnsFirstPacket(v310, 0, v310.length, false), { type: 'CONNECT', version: 310 });
  const bigEndianHost = Uint8Array.from(connect);
  bigEndianHost.set([0x00, 0x01], 22);
  assert.deepEqual(tnsFirstPacket(bigEndianHost, 0, bigEndianHost.length, false), { type: 'CONNECT', version: 316 });
});

test('Oracle TNS: a session already under way on port 1521 (DATA, MARKER, 32-bit lengths)', () => {
  const data = framed(hex('00 00 00 00 06 00 00 00  00 00  11 6b 04 05 06 07'));
  assert.deepEqual(identify([{ dir: 0, payload: data }], tcp())['oracle'], { first_packet: 'DATA' });
  const marker = hex('00 0b 00 00 0c 00 00 00 01 00 01');
  assert.deepEqual(identify([{ dir: 1, payload: marker }], tcp())['oracle'], { first_packet: 'MARKER' });
  const wide = hex('00 00 00 10 06 00 00 00  00 00  03 5e 00 00 00 00');
  assert.deepEqual(identify([{ dir: 1, payload: cat(wide, marker) }], tcp())['oracle'], { first_packet: 'DATA' });
  // the same packets elsewhere are not enough
  assert.ok(notByDpi(identify([{ dir: 0, payload: data }], tcp(5000)), 'Oracle'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: wide }], tcp(5000)), 'Oracle'));
});

test('Oracle TNS: CONNECT in 1-byte and 3-byte segments', () => {
  const ones = Array.from(connect.subarray(0, 6), (b) => ({ dir: 0 as const, payload: Uint8Array.of(b) }));
  assert.deepEqual(identify([...ones, { dir: 0, payload: connect.subarray(6) }], tcp())['oracle'], { version: 316, first_packet: 'CONNECT' });
  const threes = [0, 3, 6, 9, 12, 15].map((i) => ({ dir: 0 as const, payload: connect.subarray(i, i === 15 ? connect.length : i + 3) }));
  assert.deepEqual(identify(threes, tcp(1525))['oracle'], { version: 316, first_packet: 'CONNECT' });
  assert.equal(tnsFirstPacket(connect, 0, 40, false), undefined, 'descriptor not arrived');
});

test('Oracle TNS: broken CONNECT and ACCEPT refused', () => {
  const broken: [string, number, number][] = [
    ['packet checksum', 2, 0x12], ['header checksum', 6, 0x01], ['unknown type 8', 4, 8], ['version 200', 8, 0x00],
    ['version 0x0f3c', 8, 0x0f], ['compatible above version', 10, 0x02], ['value of 1', 22, 0x02], ['offset below the fields', 27, 0x10],
    ['descriptor not parenthesised', 58, 0x44],
  ];
  for (const [what, i, v] of broken) {
    const p = Uint8Array.from(connect);
    p[i] = v;
    assert.equal(tnsFirstPacket(p, 0, p.length, true), null, what);
    assert.ok(notByDpi(identify([{ dir: 0, payload: p }], tcp(1600)), 'Oracle'), what);
  }
  const shortLength = Uint8Array.from(connect);
  shortLength[1] = 0x20;
  assert.equal(tnsFirstPacket(shortLength, 0, shortLength.length, true), null, 'length shorter than the CONNECT fields');
  const badAccept = Uint8Array.from(accept);
  badAccept[8] = 0x05;
  assert.equal(tnsFirstPacket(badAccept, 0, badAccept.length, true), null);
  const badRefuse = Uint8Array.from(refuse);
  badRefuse[11]! += 1;
  assert.equal(tnsFirstPacket(badRefuse, 0, badRefuse.length, true), null, 'descriptor length not filling the packet');
});

test('Oracle TNS: other protocols are not named Oracle', () => {
  const others: (string | Uint8Array)[] = [
    'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n',
    'SSH-2.0-OpenSSH_9.6\r\n',
    hex('16 03 01 00 c8 01 00 00 c4 03 03 00 00 00 00'),
    hex('12 01 00 2f 00 00 01 00 00 00 1a 00 06 01 00 20 00 01'), // TDS PRELOGIN
    hex('00 00 00 08 04 d2 16 2f'), // PostgreSQL SSLRequest
    hex('00 00 00 48 fe 53 4d 42 40 00'), // NetBIOS + SMB2
    Uint8Array.from({ length: 80 }, (_, i) => (i * 73 + 3) & 0xff),
    connect.subarray(0, 7), // truncated header
  ];
  for (const p of others) {
    const r = identify([{ dir: 0, payload: p }], tcp());
    assert.ok(notByDpi(r, 'Oracle'), String(p));
    assert.equal(r['oracle'], null);
  }
});

test('Oracle TNS: fuzz', () => {
  fuzz(connect, 'tcp', 1521, 0);
  fuzz(accept, 'tcp', 1521, 1);
  fuzz(refuse, 'tcp', 1521, 1);
});
