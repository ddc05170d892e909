import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, type Exchange, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

// Messages built after The CIP Networks Library Vol. 2, chapter 2 (encapsulation) and §2-6 (CPF).

const REGISTER_REQUEST = hex(`
  65 00 04 00   # RegisterSession, 4 bytes of data
  00 00 00 00   # session handle: none yet
  00 00 00 00   # status: success
  01 02 03 04 05 06 07 08   # sender context
  00 00 00 00   # options
  01 00 00 00   # protocol version 1, option flags 0
`);
const REGISTER_REPLY = hex('65 00 04 00 2a 00 11 00 00 00 00 00 01 02 03 04 05 06 07 08 00 00 00 00 01 00 00 00');

/** SendRRData carrying an unconnected CIP Get_Attribute_All to the identity object */
const SEND_RR = hex(`
  6f 00 16 00   # SendRRData, 22 bytes
  2a 00 11 00   # session handle
  00 00 00 00 00 00 00 00 00 00 00 00   # status, sender context
  00 00 00 00   # options
  00 00 00 00   # interface handle (CIP)
  0a 00         # timeout
  02 00         # CPF: two items
  00 00 00 00   # null address item
  b2 00 06 00   # unconnected data item, 6 bytes
  01 02 20 01 24 01   # CIP: service 0x01, path class 1 instance 1
`);
/** SendUnitData over a connection: connected address and connected data items */
const SEND_UNIT = hex(`
  70 00 1a 00   2a 00 11 00   00 00 00 00   00 00 00 00 00 00 00 00   00 00 00 00
  00 00 00 00 00 00   # interface handle, timeout 0
  02 00
  a1 00 04 00 44 33 22 11   # connected address item: connection id
  b1 00 06 00 05 00 0e 03 20 01   # connected data item: sequence count, CIP request
`);

const LIST_IDENTITY_REQUEST = hex('63 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00');
/** ListIdentity reply: one identity item (vendor, device type, product code, revision, status, serial, name) */
const identityItem = cat(
  hex('0c 00 2e 00'), // CIP identity item, 46 bytes
  hex('01 00 00 02 af 12 c0 a8 00 0a 00 00 00 00 00 00 00 00'), // encapsulation version 1, sockaddr (AF_INET, 44818, 192.168.0.10)
  hex('01 00 0e 00 36 00 14 0b 60 00 78 56 34 12'), // vendor 1, type 14, product 54, revision 20.11, status, serial
  hex('0c'), new TextEncoder().encode('1756-L71/B  '), // product name (short string)
  hex('03'), // state
);
const LIST_IDENTITY_REPLY = cat(hex('63 00 34 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01 00'), identityItem);
/** ListServices reply: one communications item (version 1, flags, "Communications") */
const LIST_SERVICES_REPLY = hex(`
  04 00 1a 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
  01 00 00 01 14 00 01 00 20 01
  43 6f 6d 6d 75 6e 69 63 61 74 69 6f 6e 73 00 00
`);

const tcp = { transport: 'tcp' as const, serverPort: 44818 };
const udp = { transport: 'udp' as const, serverPort: 44818 };

test('EtherNet/IP: RegisterSession request and reply, then SendRRData with CIP', () => {
  const r = identify([{ dir: 0, payload: REGISTER_REQUEST }, { dir: 1, payload: REGISTER_REPLY }, { dir: 0, payload: SEND_RR }], tcp);
  assert.equal(r['protocol'], 'EthernetIP');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['ethernetip'], { command: 'RegisterSession' });
});

test('EtherNet/IP: SendRRData and SendUnitData name the flow and say CIP (a capture joined late), on another port too', () => {
  assert.deepEqual(identify([{ dir: 0, payload: SEND_RR }], { ...tcp, handshake: false })['ethernetip'], { command: 'SendRRData', cip: true });
  const r = identify([{ dir: 0, payload: SEND_UNIT }], { transport: 'tcp', serverPort: 40000 });
  assert.equal(r['protocol'], 'EthernetIP');
  assert.deepEqual(r['ethernetip'], { command: 'SendUnitData', cip: true });
});

test('EtherNet/IP: the reply seen first (server side)', () => {
  const r = identify([{ dir: 1, payload: REGISTER_REPLY }], { transport: 'tcp', serverPort: 5000 });
  assert.equal(r['protocol'], 'EthernetIP');
  assert.deepEqual(r['ethernetip'], { command: 'RegisterSession' });
});

test('EtherNet/IP: ListIdentity and ListServices over UDP and TCP', () => {
  const u = identify([{ dir: 0, payload: LIST_IDENTITY_REQUEST }, { dir: 1, payload: LIST_IDENTITY_REPLY }], udp);
  assert.equal(u['protocol'], 'EthernetIP');
  assert.deepEqual(u['ethernetip'], { command: 'ListIdentity' });
  // off the port an empty request says too little; the identity reply is enough
  const off = identify([{ dir: 0, payload: LIST_IDENTITY_REQUEST }, { dir: 1, payload: LIST_IDENTITY_REPLY }], { transport: 'udp', serverPort: 40001 });
  assert.equal(off['protocol'], 'EthernetIP');
  assert.equal(off['confidence'], 'dpi');
  assert.ok(notByDpi(identify([{ dir: 0, payload: LIST_IDENTITY_REQUEST }], { transport: 'udp', serverPort: 40001 }), 'EthernetIP'));
  const t = identify([{ dir: 1, payload: LIST_SERVICES_REPLY }], { transport: 'tcp', serverPort: 40002 });
  assert.deepEqual(t['ethernetip'], { command: 'ListServices' });
  const listInterfaces = hex('64 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00');
  assert.deepEqual(identify([{ dir: 0, payload: listInterfaces }], tcp)['ethernetip'], { command: 'ListInterfaces' });
});

test('EtherNet/IP: a NOP then RegisterSession off the port; in 1-byte and 3-byte pieces', () => {
  const nop = hex('00 00 02 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 ff ff');
  assert.deepEqual(identify([{ dir: 0, payload: cat(nop, REGISTER_REQUEST) }], { transport: 'tcp', serverPort: 40003 })['ethernetip'], { command: 'RegisterSession' });
  const ones: Exchange[] = Array.from(REGISTER_REQUEST, (_, i) => ({ dir: 0 as const, payload: REGISTER_REQUEST.subarray(i, i + 1) }));
  assert.deepEqual(identify(ones, tcp)['ethernetip'], { command: 'RegisterSession' });
  const threes: Exchange[] = [];
  for (let i = 0; i < SEND_RR.length; i += 3) threes.push({ dir: 0, payload: SEND_RR.subarray(i, i + 3) });
  assert.deepEqual(identify(threes, tcp)['ethernetip'], { command: 'SendRRData', cip: true });
});

test('EtherNet/IP: other protocols and broken messages are not EtherNet/IP', () => {
  const broken = (m: Uint8Array, at: number, ...v: number[]): Uint8Array => {
    const c = Uint8Array.from(m);
    c.set(v, at);
    return c;
  };
  const cases: [Exchange[], { transport: 'tcp' | 'udp'; serverPort: number }][] = [
    [[{ dir: 0, payload: 'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n' }], tcp],
    [[{ dir: 0, payload: hex('16 03 01 00 2f 01 00 00 2b 03 03') }], tcp],
    [[{ dir: 0, payload: 'SSH-2.0-OpenSSH_9.6\r\n' }], tcp],
    [[{ dir: 0, payload: hex('a3 17 5c 90 01 fe 42 6b 00 d9 3e 77 10 2c 55 01 99 12 00 00 7a 11 3b 02 00') }], tcp],
    [[{ dir: 0, payload: REGISTER_REQUEST.subarray(0, 20) }], tcp], // truncated header
    [[{ dir: 0, payload: broken(REGISTER_REQUEST, 24, 2) }], tcp], // protocol version 2
    [[{ dir: 0, payload: broken(REGISTER_REQUEST, 2, 6) }], tcp], // length not 4
    [[{ dir: 0, payload: broken(REGISTER_REQUEST, 20, 1) }], tcp], // options not 0
    [[{ dir: 0, payload: broken(REGISTER_REQUEST, 8, 0x50) }], tcp], // unknown status
    [[{ dir: 0, payload: broken(REGISTER_REQUEST, 1, 1) }], tcp], // unknown command 0x0165
    [[{ dir: 0, payload: broken(SEND_RR, 32, 3) }], tcp], // CPF count does not fit the items
    [[{ dir: 0, payload: broken(SEND_RR, 38, 0x99) }], tcp], // unknown item type
    [[{ dir: 0, payload: broken(SEND_RR, 4, 0, 0, 0, 0) }], tcp], // no session
    [[{ dir: 1, payload: broken(LIST_IDENTITY_REPLY, 24, 2) }], { transport: 'tcp', serverPort: 40004 }], // two items announced, one there
    [[{ dir: 0, payload: cat(LIST_IDENTITY_REQUEST, hex('00')) }], udp], // trailing byte in a datagram
  ];
  for (const [i, [c, o]] of cases.entries()) assert.ok(notByDpi(identify(c, o), 'EthernetIP'), `case ${i}`);
});

test('EtherNet/IP: fuzzed first payloads', () => {
  fuzz(REGISTER_REQUEST, 'tcp', 44818);
  fuzz(SEND_RR, 'tcp', 44818, 0, 80);
  fuzz(LIST_IDENTITY_REPLY, 'udp', 44818, 1, 80);
});
