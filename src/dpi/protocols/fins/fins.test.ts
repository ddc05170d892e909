import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, type Exchange, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';

// Frames built after Omron's FINS command reference (W227/W342) and the FINS/TCP description of
// the Ethernet Unit manuals.

const MEMORY_AREA_READ = hex(`
  80            # ICF: command, response wanted
  00            # RSV
  02            # GCT: two gateways
  00 0a 00      # destination: local network, node 10, CPU unit
  00 22 00      # source: local network, node 34, CPU unit
  07            # service id
  01 01         # MEMORY AREA READ
  82 00 64 00 00 0a   # DM area, word 100, bit 0, 10 words
`);
const MEMORY_AREA_READ_RESPONSE = cat(
  hex(`
    c0 00 02      # ICF: response
    00 22 00  00 0a 00  07   # addresses swapped, same service id
    01 01         # MEMORY AREA READ
    00 00         # end code: normal completion
  `),
  new Uint8Array(20),
);
const CONTROLLER_DATA_READ = hex('80 00 02  00 0a 00  00 22 00  08  05 01');
const CLOCK_WRITE_NO_RESPONSE = hex('81 00 02  01 0a 00  00 22 00  09  07 02  24 05 17 10 30 00 05');

const finsTcp = (command: number, body: Uint8Array, error = 0): Uint8Array =>
  cat(utf8('FINS'), Uint8Array.of(0, 0, (body.length + 8) >> 8, (body.length + 8) & 0xff, 0, 0, 0, command, 0, 0, 0, error), body);
const NODE_ADDRESS_REQUEST = finsTcp(0, hex('00 00 00 00')); // node 0: let the server allocate one
const NODE_ADDRESS_RESPONSE = finsTcp(1, hex('00 00 00 22  00 00 00 0a'));

const udp = { transport: 'udp' as const, serverPort: 9600, clientPort: 9600 };
const tcp = { transport: 'tcp' as const, serverPort: 9600 };

test('FINS/UDP: memory area read and its response', () => {
  const r = identify([{ dir: 0, payload: MEMORY_AREA_READ }, { dir: 1, payload: MEMORY_AREA_READ_RESPONSE }], udp);
  assert.equal(r['protocol'], 'FINS');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['fins'], { command_code: '0101', response: false });
  // the response seen first
  assert.deepEqual(identify([{ dir: 1, payload: MEMORY_AREA_READ_RESPONSE }], udp)['fins'], { command_code: '0101', response: true });
});

test('FINS/UDP: other commands, a no-response command, an error end code; an ephemeral client port', () => {
  assert.deepEqual(identify([{ dir: 0, payload: CONTROLLER_DATA_READ }], udp)['fins'], { command_code: '0501', response: false });
  assert.deepEqual(identify([{ dir: 0, payload: CLOCK_WRITE_NO_RESPONSE }], udp)['fins'], { command_code: '0702', response: false });
  const write = hex('80 00 02  00 0a 00  00 22 00  0a  01 02  b1 00 10 00 00 01  12 34');
  assert.deepEqual(identify([{ dir: 0, payload: write }], { transport: 'udp', serverPort: 9600 })['fins'], { command_code: '0102', response: false });
  const refused = hex('c0 00 02  00 22 00  00 0a 00  0a  01 02  11 03'); // parameter error, address range
  assert.deepEqual(identify([{ dir: 1, payload: refused }], udp)['fins'], { command_code: '0102', response: true });
});

test('FINS/TCP: node address exchange, then a frame', () => {
  const frame = finsTcp(2, MEMORY_AREA_READ);
  const r = identify([{ dir: 0, payload: NODE_ADDRESS_REQUEST }, { dir: 1, payload: NODE_ADDRESS_RESPONSE }, { dir: 0, payload: frame }], tcp);
  assert.equal(r['protocol'], 'FINS');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['fins'], { tcp_command: 'node_address_request' });
  // the server's reply first, and a capture that starts with the frames
  assert.deepEqual(identify([{ dir: 1, payload: NODE_ADDRESS_RESPONSE }], tcp)['fins'], { tcp_command: 'node_address_response' });
  assert.deepEqual(identify([{ dir: 0, payload: frame }], tcp)['fins'], { tcp_command: 'frame', command_code: '0101', response: false });
  assert.deepEqual(identify([{ dir: 1, payload: finsTcp(2, MEMORY_AREA_READ_RESPONSE) }], { ...tcp, handshake: false })['fins'], { tcp_command: 'frame', command_code: '0101', response: true });
  assert.deepEqual(identify([{ dir: 1, payload: finsTcp(3, new Uint8Array(0), 1) }], tcp)['fins'], { tcp_command: 'error_notification' });
});

test('FINS/TCP: the first message in 1-byte, then 3-byte pieces', () => {
  const ones: Exchange[] = Array.from(NODE_ADDRESS_REQUEST.subarray(0, 6), (_, i) => ({ dir: 0 as const, payload: NODE_ADDRESS_REQUEST.subarray(i, i + 1) }));
  ones.push({ dir: 0, payload: NODE_ADDRESS_REQUEST.subarray(6) });
  assert.deepEqual(identify(ones, tcp)['fins'], { tcp_command: 'node_address_request' });
  const frame = finsTcp(2, MEMORY_AREA_READ);
  const threes: Exchange[] = [];
  for (let i = 0; i < frame.length; i += 3) threes.push({ dir: 0, payload: frame.subarray(i, i + 3) });
  assert.deepEqual(identify(threes, tcp)['fins'], { tcp_command: 'frame', command_code: '0101', response: false });
});

test('FINS: broken frames and other protocols are not FINS', () => {
  const mutated = (m: Uint8Array, i: number, v: number): Uint8Array => {
    const c = Uint8Array.from(m);
    c[i] = v;
    return c;
  };
  const badUdp = [
    mutated(MEMORY_AREA_READ, 0, 0x00), // ICF bit 7 clear
    mutated(MEMORY_AREA_READ, 0, 0x82), // reserved ICF bit
    mutated(MEMORY_AREA_READ, 1, 0x01), // RSV
    mutated(MEMORY_AREA_READ, 2, 0x08), // gateway count
    mutated(MEMORY_AREA_READ, 3, 0x80), // destination network
    mutated(MEMORY_AREA_READ, 11, 0x09), // command 01 09 undefined
    mutated(MEMORY_AREA_READ_RESPONSE, 12, 0x50), // main response code
    MEMORY_AREA_READ.subarray(0, 11), // truncated
    utf8('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
    hex('16 03 01 00 2e 01 00 00 2a 03 03'),
    hex('80 00 02 1f 3c 9a 77 e1 04 d2 55 81 aa 19'), // random after a FINS-like start
  ];
  for (const b of badUdp) assert.ok(notByDpi(identify([{ dir: 0, payload: b }], udp), 'FINS'), Buffer.from(b).toString('hex'));
  // an RTP packet (version 2, PCMU, sequence 0x02xx) off the FINS port
  const rtp = cat(hex('80 00 02 0a  00 00 00 a0  01 01 00 00'), new Uint8Array(160).fill(0xff));
  assert.ok(notByDpi(identify([{ dir: 0, payload: rtp }], { transport: 'udp', serverPort: 40000, clientPort: 40002 }), 'FINS'));
  const badTcp = [
    mutated(NODE_ADDRESS_REQUEST, 3, 0x54), // "FINT"
    mutated(NODE_ADDRESS_REQUEST, 7, 0x10), // length of a node address request is 12
    mutated(NODE_ADDRESS_REQUEST, 11, 0x05), // command 5 undefined
    mutated(NODE_ADDRESS_REQUEST, 15, 0x04), // error code 4 undefined
    mutated(finsTcp(2, MEMORY_AREA_READ), 17, 0x01), // the frame's RSV
    utf8('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
    hex('16 03 01 00 2e 01 00 00 2a 03 03'),
    utf8('SSH-2.0-OpenSSH_9.6\r\n'),
    utf8('FINISH\r\n'),
  ];
  for (const b of badTcp) assert.ok(notByDpi(identify([{ dir: 0, payload: b }], tcp), 'FINS'), Buffer.from(b).toString('hex'));
  // a header that never completes
  assert.ok(notByDpi(identify([{ dir: 0, payload: NODE_ADDRESS_REQUEST.subarray(0, 12) }], tcp), 'FINS'));
});

test('FINS: fuzz', () => {
  fuzz(MEMORY_AREA_READ, 'udp', 9600, 0);
  fuzz(MEMORY_AREA_READ_RESPONSE, 'udp', 9600, 1);
  fuzz(NODE_ADDRESS_REQUEST, 'tcp', 9600, 0);
  fuzz(finsTcp(2, MEMORY_AREA_READ), 'tcp', 9600, 0);
});
