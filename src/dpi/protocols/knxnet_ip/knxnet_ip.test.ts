import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, type Exchange, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';

// Frames built after KNX 03.08.02 (Core), 03.08.03, 03.08.04 and 03.08.05.

/** header length 6, version 1.0, the service, the total length (header included), then the body */
const frame = (service: number, body: Uint8Array, version = 0x10): Uint8Array =>
  cat(Uint8Array.of(0x06, version, service >> 8, service & 0xff, (body.length + 6) >> 8, (body.length + 6) & 0xff), body);

const HPAI_UDP = hex('08 01  c0 a8 01 0a  0e 57'); // length 8, IPv4 UDP, 192.168.1.10, port 3671
const HPAI_TCP = hex('08 02  00 00 00 00  00 00'); // over TCP the route-back HPAI is all zeros
const DEVICE_DIB = cat(
  hex(`
    36 01         # DIB length 54, device information
    02 00         # KNX medium TP1, device status
    11 01         # individual address 1.1.1
    00 00         # project installation id
    00 c5 01 02 03 04   # serial number
    e0 00 17 0c   # routing multicast address 224.0.23.12
    00 24 6d 01 02 03   # MAC address
  `),
  new Uint8Array(30), // friendly name
);
const SERVICE_FAMILIES_DIB = hex('0a 02  02 01  03 01  04 01  05 01'); // core, device mgmt, tunnelling, routing: v1

const SEARCH_REQUEST = frame(0x0201, HPAI_UDP);
const SEARCH_RESPONSE = frame(0x0202, cat(HPAI_UDP, DEVICE_DIB, SERVICE_FAMILIES_DIB));
const CONNECT_REQUEST = frame(0x0205, cat(HPAI_UDP, HPAI_UDP, hex('04 04 02 00'))); // CRI: tunnel, link layer
const CONNECT_RESPONSE = frame(0x0206, cat(hex('15 00'), HPAI_UDP, hex('04 04 11 05'))); // channel 0x15, ok; CRD with address 1.1.5
const TUNNELLING_REQUEST = frame(0x0420, hex(`
  04 15 00 00   # connection header: length 4, channel 0x15, sequence 0, reserved
  11 00 bc e0 11 05 0a 03 01 00 81   # cEMI L_Data.req: group write 1/2/3 = 1
`));

const udp = { transport: 'udp' as const, serverPort: 3671 };
const tcp = { transport: 'tcp' as const, serverPort: 3671 };
const knx = (exchanges: Exchange[], o: typeof udp | typeof tcp = udp): unknown => identify(exchanges, o)['knxnet_ip'];

test('KNXnet/IP: search request and response', () => {
  const r = identify([{ dir: 0, payload: SEARCH_REQUEST }, { dir: 1, payload: SEARCH_RESPONSE }], udp);
  assert.equal(r['protocol'], 'KNXnet_IP');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['knxnet_ip'], { service: 'SEARCH_REQUEST', version: '1.0' });
  // the answer seen alone (the request went to the multicast group)
  assert.deepEqual(knx([{ dir: 1, payload: SEARCH_RESPONSE }]), { service: 'SEARCH_RESPONSE', version: '1.0' });
  assert.deepEqual(knx([{ dir: 0, payload: frame(0x020b, cat(HPAI_UDP, hex('02 81'))) }]), { service: 'SEARCH_REQUEST_EXTENDED', version: '1.0' });
});

test('KNXnet/IP: description request and response', () => {
  assert.deepEqual(knx([{ dir: 0, payload: frame(0x0203, HPAI_UDP) }]), { service: 'DESCRIPTION_REQUEST', version: '1.0' });
  assert.deepEqual(knx([{ dir: 1, payload: frame(0x0204, cat(DEVICE_DIB, SERVICE_FAMILIES_DIB)) }]), { service: 'DESCRIPTION_RESPONSE', version: '1.0' });
});

test('KNXnet/IP: connect, connection state and disconnect, both ways', () => {
  assert.deepEqual(knx([{ dir: 0, payload: CONNECT_REQUEST }, { dir: 1, payload: CONNECT_RESPONSE }]), { service: 'CONNECT_REQUEST', version: '1.0' });
  assert.deepEqual(knx([{ dir: 1, payload: CONNECT_RESPONSE }]), { service: 'CONNECT_RESPONSE', version: '1.0' });
  // refused: no more connections, no HPAI or CRD
  assert.deepEqual(knx([{ dir: 1, payload: frame(0x0206, hex('00 24')) }]), { service: 'CONNECT_RESPONSE', version: '1.0' });
  // device management connection: CRI of two bytes
  assert.deepEqual(knx([{ dir: 0, payload: frame(0x0205, cat(HPAI_UDP, HPAI_UDP, hex('02 03'))) }]), { service: 'CONNECT_REQUEST', version: '1.0' });
  assert.deepEqual(knx([{ dir: 0, payload: frame(0x0207, cat(hex('15 00'), HPAI_UDP)) }]), { service: 'CONNECTIONSTATE_REQUEST', version: '1.0' });
  assert.deepEqual(knx([{ dir: 1, payload: frame(0x0208, hex('15 00')) }]), { service: 'CONNECTIONSTATE_RESPONSE', version: '1.0' });
  assert.deepEqual(knx([{ dir: 0, payload: frame(0x0209, cat(hex('15 00'), HPAI_UDP)) }]), { service: 'DISCONNECT_REQUEST', version: '1.0' });
  assert.deepEqual(knx([{ dir: 1, payload: frame(0x020a, hex('15 00')) }]), { service: 'DISCONNECT_RESPONSE', version: '1.0' });
});

test('KNXnet/IP: tunnelling, device management and routing frames', () => {
  assert.deepEqual(knx([{ dir: 0, payload: TUNNELLING_REQUEST }, { dir: 1, payload: frame(0x0421, hex('04 15 00 00')) }]), { service: 'TUNNELLING_REQUEST', version: '1.0' });
  assert.deepEqual(knx([{ dir: 1, payload: frame(0x0421, hex('04 15 00 00')) }]), { service: 'TUNNELLING_ACK', version: '1.0' });
  assert.deepEqual(knx([{ dir: 0, payload: frame(0x0310, hex('04 07 00 00  fc 00 0b 01 34 10 01')) }]), { service: 'DEVICE_CONFIGURATION_REQUEST', version: '1.0' });
  assert.deepEqual(knx([{ dir: 1, payload: frame(0x0311, hex('04 07 00 00')) }]), { service: 'DEVICE_CONFIGURATION_ACK', version: '1.0' });
  assert.deepEqual(knx([{ dir: 0, payload: frame(0x0530, hex('29 00 bc d0 11 01 0a 03 01 00 80')) }]), { service: 'ROUTING_INDICATION', version: '1.0' });
  assert.deepEqual(knx([{ dir: 0, payload: frame(0x0532, hex('06 00 00 64 00 00')) }]), { service: 'ROUTING_BUSY', version: '1.0' });
  assert.deepEqual(knx([{ dir: 0, payload: frame(0x0531, hex('04 00 00 03')) }]), { service: 'ROUTING_LOST_MESSAGE', version: '1.0' });
  assert.deepEqual(knx([{ dir: 0, payload: frame(0x0950, new Uint8Array(2 + 6 + 6 + 2 + 20 + 16)) }]), { service: 'SECURE_WRAPPER', version: '1.0' });
  assert.deepEqual(knx([{ dir: 0, payload: frame(0x0530, hex('29 00 bc d0 11 01 0a 03 01 00 80'), 0x20) }]), { service: 'ROUTING_INDICATION', version: '2.0' });
});

test('KNXnet/IP over TCP: connect request and response, and the server side first', () => {
  const request = frame(0x0205, cat(HPAI_TCP, HPAI_TCP, hex('04 04 02 00')));
  const response = frame(0x0206, cat(hex('01 00'), HPAI_TCP, hex('04 04 11 05')));
  const r = identify([{ dir: 0, payload: request }, { dir: 1, payload: response }], tcp);
  assert.equal(r['protocol'], 'KNXnet_IP');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['knxnet_ip'], { service: 'CONNECT_REQUEST', version: '1.0' });
  assert.deepEqual(knx([{ dir: 1, payload: response }], tcp), { service: 'CONNECT_RESPONSE', version: '1.0' });
  // two frames in one segment
  assert.deepEqual(knx([{ dir: 0, payload: cat(TUNNELLING_REQUEST, TUNNELLING_REQUEST) }], tcp), { service: 'TUNNELLING_REQUEST', version: '1.0' });
});

test('KNXnet/IP over TCP: a frame in 1-byte, then 3-byte pieces', () => {
  const request = frame(0x0205, cat(HPAI_TCP, HPAI_TCP, hex('04 04 02 00')));
  // the header a byte at a time, then the body
  const ones: Exchange[] = Array.from(request.subarray(0, 6), (_, i) => ({ dir: 0 as const, payload: request.subarray(i, i + 1) }));
  ones.push({ dir: 0, payload: request.subarray(6) });
  assert.deepEqual(knx(ones, tcp), { service: 'CONNECT_REQUEST', version: '1.0' });
  const threes: Exchange[] = [];
  for (let i = 0; i < request.length; i += 3) threes.push({ dir: 0, payload: request.subarray(i, i + 3) });
  assert.deepEqual(knx(threes, tcp), { service: 'CONNECT_REQUEST', version: '1.0' });
});

test('KNXnet/IP: broken frames and other protocols are not KNXnet/IP', () => {
  const mutated = (m: Uint8Array, i: number, v: number): Uint8Array => {
    const c = Uint8Array.from(m);
    c[i] = v;
    return c;
  };
  const bad = [
    mutated(SEARCH_REQUEST, 0, 0x07), // header length
    mutated(SEARCH_REQUEST, 1, 0x11), // protocol version
    mutated(SEARCH_REQUEST, 3, 0x99), // service 0x0299 undefined
    mutated(SEARCH_REQUEST, 5, 0x10), // total length beyond the datagram
    mutated(SEARCH_REQUEST, 5, 0x0c), // total length short of it
    mutated(SEARCH_REQUEST, 6, 0x07), // HPAI length
    mutated(SEARCH_REQUEST, 7, 0x03), // host protocol code
    mutated(CONNECT_REQUEST, 23, 0x05), // connection type 5 undefined
    mutated(TUNNELLING_REQUEST, 6, 0x05), // connection header length
    frame(0x0208, hex('15 00 00')), // connection state response of 3 bytes
    SEARCH_REQUEST.subarray(0, 10), // truncated
    hex('06 10 02'),
    utf8('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
    hex('16 03 01 00 2e 01 00 00 2a 03 03'),
    utf8('SSH-2.0-OpenSSH_9.6\r\n'),
    hex('06 10 8c 2e 91 07 55 aa 13 f0 c4 7d 02 be'), // random bytes after 06 10
  ];
  for (const b of bad) assert.ok(notByDpi(identify([{ dir: 0, payload: b }], udp), 'KNXnet_IP'), Buffer.from(b).toString('hex'));
  for (const b of [utf8('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), hex('16 03 01 00 2e 01 00 00 2a 03 03'), utf8('SSH-2.0-OpenSSH_9.6\r\n'), mutated(CONNECT_REQUEST, 1, 0x11)]) {
    assert.ok(notByDpi(identify([{ dir: 0, payload: b }], tcp), 'KNXnet_IP'));
  }
});

test('KNXnet/IP: fuzz', () => {
  fuzz(SEARCH_REQUEST, 'udp', 3671, 0);
  fuzz(CONNECT_RESPONSE, 'udp', 3671, 1);
  fuzz(TUNNELLING_REQUEST, 'tcp', 3671, 0);
});
