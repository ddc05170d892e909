import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';
import { clPduType, coPdu } from './index.js';

const tcp = (serverPort = 135) => ({ transport: 'tcp' as const, serverPort });
const udp = (serverPort = 135) => ({ transport: 'udp' as const, serverPort });

// a bind to the endpoint mapper, little-endian
const bind = hex(`
  05 00 0b 03               # version 5.0, bind, first+last fragment
  10 00 00 00               # little-endian integers, ASCII, IEEE floats
  48 00 00 00               # frag_length 72, auth_length 0
  01 00 00 00               # call_id 1
  b8 10 b8 10 00 00 00 00   # max_xmit_frag 4280, max_recv_frag 4280, assoc_group 0
  01 00 00 00               # one presentation context
  00 00 01 00               # context 0, one transfer syntax
  08 83 af e1 1f 5d c9 11 91 a4 08 00 2b 14 a0 fa  03 00 00 00   # abstract syntax (EPM v3.0)
  04 5d 88 8a eb 1c c9 11 9f e8 08 00 2b 10 48 60  02 00 00 00   # NDR v2
`);
const bindAck = hex(`
  05 00 0c 03  10 00 00 00  3c 00 00 00  01 00 00 00   # bind_ack, frag_length 60
  b8 10 b8 10  4d 06 00 00  # fragment sizes, assoc_group
  04 00 31 33 35 00         # secondary address "135"
  00 00                     # pad to 4
  01 00 00 00               # one result
  00 00 00 00               # acceptance
  04 5d 88 8a eb 1c c9 11 9f e8 08 00 2b 10 48 60  02 00 00 00
`);

/** a connection-oriented PDU with the header filled in (lengths in the chosen byte order) */
function co(type: number, flags: number, body: Uint8Array, o: { be?: boolean; minor?: number; auth?: number } = {}): Uint8Array {
  const auth = o.auth ? cat(hex('0a 02 00 00 00 00 00 00'), new Uint8Array(o.auth).fill(0x4e)) : new Uint8Array(0);
  const pdu = cat(new Uint8Array(16), body, auth);
  const v = new DataView(pdu.buffer);
  pdu.set([5, o.minor ?? 0, type, flags, o.be ? 0x00 : 0x10, 0, 0, 0]);
  v.setUint16(8, pdu.length, !o.be);
  v.setUint16(10, o.auth ?? 0, !o.be);
  v.setUint32(12, 7, !o.be);
  return pdu;
}

test('DCE/RPC bind and bind_ack (connection-oriented, 5.0)', () => {
  const r = identify([{ dir: 0, payload: bind }, { dir: 1, payload: bindAck }], tcp());
  assert.equal(r['protocol'], 'DCERPC');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['dcerpc'], { version: '5.0', first_pdu: 'bind' });
});

test('DCE/RPC on a dynamic port: alter_context, request, auth3, minor version 1, big-endian', () => {
  const alter = Uint8Array.from(bind);
  alter[2] = 14;
  assert.deepEqual(identify([{ dir: 0, payload: alter }], tcp(49667))['dcerpc'], { version: '5.0', first_pdu: 'alter_context' });
  const request = co(0, 0x03, hex('10 00 00 00  00 00 03 00  01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10'), { minor: 1 });
  assert.deepEqual(identify([{ dir: 0, payload: request }], tcp(49668))['dcerpc'], { version: '5.1', first_pdu: 'request' });
  const auth3 = co(16, 0x03, hex('00 00 00 00'), { auth: 16 });
  assert.deepEqual(identify([{ dir: 0, payload: auth3 }], tcp(49669))['dcerpc'], { version: '5.0', first_pdu: 'auth3' });
  const bigEndian = co(0, 0x03, hex('00 00 00 08  00 00 00 02  00 00 00 00 00 00 00 00'), { be: true });
  assert.deepEqual(identify([{ dir: 0, payload: bigEndian }], tcp(49670))['dcerpc'], { version: '5.0', first_pdu: 'request' });
  const withObject = co(0, 0x83, cat(hex('00 00 00 00  00 00 01 00'), new Uint8Array(16).fill(0x11)));
  assert.equal(identify([{ dir: 0, payload: withObject }], tcp())['protocol'], 'DCERPC');
});

test('DCE/RPC: a capture that starts with the server (bind_ack, bind_nak, response, fault, alter_context_resp)', () => {
  assert.deepEqual(identify([{ dir: 1, payload: bindAck }], tcp())['dcerpc'], { version: '5.0', first_pdu: 'bind_ack' });
  const nak = co(13, 0x03, hex('04 00  01 05 00  00 00 00'));
  assert.deepEqual(identify([{ dir: 1, payload: nak }], tcp())['dcerpc'], { version: '5.0', first_pdu: 'bind_nak' });
  const response = co(2, 0x03, hex('08 00 00 00  00 00 00 00  de ad be ef 00 00 00 00'));
  assert.deepEqual(identify([{ dir: 1, payload: response }], tcp(49700))['dcerpc'], { version: '5.0', first_pdu: 'response' });
  const fault = co(3, 0x23, hex('20 00 00 00  00 00 00 00  05 00 00 00  00 00 00 00'));
  assert.deepEqual(identify([{ dir: 1, payload: fault }], tcp())['dcerpc'], { version: '5.0', first_pdu: 'fault' });
  // alter_context_resp often carries an empty secondary address
  const alterResp = co(15, 0x03, hex('b8 10 b8 10 4d 06 00 00  00 00 00 00  01 00 00 00  00 00 00 00').subarray(0, 20));
  const full = cat(alterResp, new Uint8Array(20));
  new DataView(full.buffer).setUint16(8, full.length, true);
  assert.deepEqual(identify([{ dir: 1, payload: full }], tcp(49701))['dcerpc'], { version: '5.0', first_pdu: 'alter_context_resp' });
});

test('DCE/RPC: the bind in 1-byte and 3-byte segments, and two PDUs in one segment', () => {
  const ones = Array.from(bind.subarray(0, 5), (b) => ({ dir: 0 as const, payload: Uint8Array.of(b) }));
  assert.deepEqual(identify([...ones, { dir: 0, payload: bind.subarray(5) }], tcp())['dcerpc'], { version: '5.0', first_pdu: 'bind' });
  const threes = [0, 3, 6, 9, 12].map((i) => ({ dir: 0 as const, payload: bind.subarray(i, i === 12 ? bind.length : i + 3) }));
  assert.deepEqual(identify(threes, tcp(50135))['dcerpc'], { version: '5.0', first_pdu: 'bind' });
  // the context list cut in the middle: still waiting, then named
  assert.equal(coPdu(bind, 0, 30), undefined);
  assert.deepEqual(coPdu(bind, 0, bind.length), { version: '5.0', ptype: 'bind' });
  const two = cat(bind, co(0, 0x03, new Uint8Array(8)));
  assert.deepEqual(coPdu(two, 0, two.length), { version: '5.0', ptype: 'bind' });
});

test('DCE/RPC: broken headers are refused', () => {
  const broken: [string, (p: Uint8Array) => void][] = [
    ['version 6', (p) => { p[0] = 6; }],
    ['minor version 2', (p) => { p[1] = 2; }],
    ['PTYPE 1 is connectionless only', (p) => { p[2] = 1; }],
    ['PTYPE 21', (p) => { p[2] = 21; }],
    ['data representation 0x20', (p) => { p[4] = 0x20; }],
    ['reserved representation byte', (p) => { p[6] = 1; }],
    ['frag_length below the header', (p) => { p[8] = 10; }],
    ['frag_length shorter than the contexts', (p) => { p[8] = 0x40; }],
    ['auth_length beyond the fragment', (p) => { p[10] = 0x60; }],
    ['no presentation context', (p) => { p[24] = 0; }],
    ['no transfer syntax', (p) => { p[30] = 0; }],
    ['bind without the first-fragment flag', (p) => { p[3] = 0x02; }],
  ];
  for (const [what, change] of broken) {
    const p = Uint8Array.from(bind);
    change(p);
    assert.equal(coPdu(p, 0, p.length), null, what);
    assert.ok(notByDpi(identify([{ dir: 0, payload: p }], tcp()), 'DCERPC'), what);
  }
  const badResult = Uint8Array.from(bindAck);
  badResult[36] = 9;
  assert.equal(coPdu(badResult, 0, badResult.length), null, 'result 9');
  assert.equal(coPdu(co(16, 3, hex('00 00 00 00')), 0, 20), null, 'auth3 without a verifier');
  const followedByJunk = cat(bind, utf8('GET /'));
  assert.equal(coPdu(followedByJunk, 0, followedByJunk.length), null, 'what follows the PDU is not a PDU');
});

test('DCE/RPC: other protocols are not named DCERPC', () => {
  const others: (string | Uint8Array)[] = [
    'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n',
    'SSH-2.0-OpenSSH_9.6\r\n',
    hex('16 03 01 00 c8 01 00 00 c4 03 03'),
    hex('05 01 00'), // SOCKS5 greeting
    hex('05 01 00 01 c0 00 02 01 00 50'), // SOCKS5 CONNECT
    hex('04 01 00 50 c0 00 02 01 00'), // SOCKS4
    Uint8Array.from({ length: 72 }, (_, i) => (i * 73 + 5) & 0xff),
    bind.subarray(0, 12), // truncated header
  ];
  for (const p of others) {
    const r = identify([{ dir: 0, payload: p }], tcp());
    assert.ok(notByDpi(r, 'DCERPC'), String(p));
    assert.equal(r['dcerpc'], null);
  }
});

// connectionless: a ping to the endpoint mapper, little-endian, no body
const clPing = hex(`
  04 01 28 00               # version 4, ping, flags1 idempotent, flags2 0
  10 00 00 00               # little-endian, ASCII, IEEE; serial_hi 0
  00000000 0000 0000 0000 000000000000   # object: nil
  08 83 af e1 1f 5d c9 11 91 a4 08 00 2b 14 a0 fa   # interface: EPM
  11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff 00   # activity
  00 00 00 00  03 00 00 00  01 00 00 00   # server_boot, if_vers 3, seqnum 1
  00 00  ff ff  ff ff                     # opnum 0, ihint, ahint
  00 00                                   # body length 0
  00 00  00  00                           # fragnum 0, auth_proto none, serial_lo 0
`);

test('DCE/RPC connectionless over UDP: ping, request with a body, big-endian response', () => {
  assert.equal(clPing.length, 80);
  const r = identify([{ dir: 0, payload: clPing }], udp());
  assert.equal(r['protocol'], 'DCERPC');
  assert.deepEqual(r['dcerpc'], { version: '4', first_pdu: 'ping' });
  const request = cat(clPing, utf8('abcdefgh'));
  request[1] = 0;
  request[74] = 8;
  assert.deepEqual(identify([{ dir: 0, payload: request }], udp(1050))['dcerpc'], { version: '4', first_pdu: 'request' });
  const response = cat(clPing, new Uint8Array(4));
  response[1] = 2;
  response[4] = 0x00;
  response[74] = 0;
  response[75] = 4;
  assert.deepEqual(identify([{ dir: 1, payload: response }], udp())['dcerpc'], { version: '4', first_pdu: 'response' });
  const signed = cat(clPing, new Uint8Array(16));
  signed[78] = 1;
  assert.equal(clPduType(signed, 0, signed.length), 1, 'an auth verifier after the body');
});

test('DCE/RPC connectionless: wrong length, type, representation refused; fuzz', () => {
  for (const [i, v] of [[0, 5], [1, 11], [4, 0x20], [6, 1], [74, 1]] as const) {
    const p = Uint8Array.from(clPing);
    p[i] = v;
    assert.equal(clPduType(p, 0, p.length), -1, `byte ${i} = ${v}`);
    assert.ok(notByDpi(identify([{ dir: 0, payload: p }], udp()), 'DCERPC'));
  }
  assert.equal(clPduType(clPing, 0, 79), -1);
  fuzz(bind, 'tcp', 135, 0);
  fuzz(bindAck, 'tcp', 135, 1);
  fuzz(clPing, 'udp', 135, 0);
});
