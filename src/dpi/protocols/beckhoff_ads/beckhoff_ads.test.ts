import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, type Exchange, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';

// Packets built after the ADS specification (Beckhoff Information System): AMS/TCP header,
// AMS header, then each command's data.

const u16 = (n: number): Uint8Array => Uint8Array.of(n & 0xff, n >>> 8);
const u32 = (n: number): Uint8Array => Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);

const CLIENT_NET_ID = hex('c0 a8 00 0a 01 01'); // 192.168.0.10.1.1
const PLC_NET_ID = hex('05 12 34 56 01 01');

/** AMS/TCP + AMS header + data; a response goes from the PLC (port 851) back to the client (port 32905) */
const ams = (command: number, response: boolean, data: Uint8Array, error = 0, invoke = 7): Uint8Array =>
  cat(
    hex('00 00'), u32(32 + data.length), // AMS/TCP: reserved, length
    response ? CLIENT_NET_ID : PLC_NET_ID, u16(response ? 32905 : 851), // target
    response ? PLC_NET_ID : CLIENT_NET_ID, u16(response ? 851 : 32905), // source
    u16(command), u16(response ? 0x0005 : 0x0004), u32(data.length), u32(error), u32(invoke),
    data,
  );

const READ_DEVICE_INFO = ams(1, false, new Uint8Array(0));
const deviceName = new Uint8Array(16);
deviceName.set(utf8('Plc30 App'));
const DEVICE_INFO_REPLY = ams(1, true, cat(u32(0), Uint8Array.of(3, 1), u16(4024), deviceName)); // result 0, version 3.1.4024
const READ = ams(2, false, cat(u32(0x4020), u32(0), u32(4))); // index group, offset, 4 bytes
const READ_REPLY = ams(2, true, cat(u32(0), u32(4), hex('2a 00 00 00')));
const WRITE = ams(3, false, cat(u32(0x4020), u32(0), u32(2), hex('01 00')));
const READ_STATE = ams(4, false, new Uint8Array(0));
const READ_STATE_REPLY = ams(4, true, cat(u32(0), u16(5), u16(0))); // ADS state RUN
const WRITE_CONTROL = ams(5, false, cat(u16(6), u16(0), u32(0))); // ADS state RESET, no data
const ADD_NOTIFICATION = ams(6, false, cat(u32(0x4020), u32(0), u32(4), u32(4), u32(0), u32(0), new Uint8Array(16)));
const DELETE_NOTIFICATION = ams(7, false, u32(0x1234));
const NOTIFICATION = ams(8, false, cat(u32(24), u32(1), new Uint8Array(8), u32(1), u32(0x1234), u32(0))); // one stamp, one sample of 0 bytes
const READ_WRITE = ams(9, false, cat(u32(0xf003), u32(0), u32(4), u32(5), utf8('MAIN.')));
const READ_WRITE_REPLY = ams(9, true, cat(u32(0), u32(4), hex('01 02 03 04')));

const opts = { transport: 'tcp' as const, serverPort: 48898 };

test('ADS: ReadDeviceInfo request and response: the server software and its version', () => {
  const r = identify([{ dir: 0, payload: READ_DEVICE_INFO }, { dir: 1, payload: DEVICE_INFO_REPLY }], opts);
  assert.equal(r['protocol'], 'BeckhoffADS');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['beckhoff_ads'], { command: 'ReadDeviceInfo', device_name: 'Plc30 App', device_version: '3.1.4024' });
});

test('ADS: every command\'s request, and the responses, on their own (server side first too)', () => {
  const names = ['Read', 'Write', 'ReadState', 'WriteControl', 'AddDeviceNotification', 'DeleteDeviceNotification', 'DeviceNotification', 'ReadWrite'];
  [READ, WRITE, READ_STATE, WRITE_CONTROL, ADD_NOTIFICATION, DELETE_NOTIFICATION, NOTIFICATION, READ_WRITE].forEach((m, i) => {
    const r = identify([{ dir: 0, payload: m }], opts);
    assert.equal(r['protocol'], 'BeckhoffADS', names[i]);
    assert.deepEqual(r['beckhoff_ads'], { command: names[i] });
  });
  for (const [m, name] of [[READ_REPLY, 'Read'], [READ_STATE_REPLY, 'ReadState'], [READ_WRITE_REPLY, 'ReadWrite']] as const) {
    const r = identify([{ dir: 1, payload: m }], { ...opts, handshake: false });
    assert.deepEqual(r['beckhoff_ads'], { command: name });
  }
  // the device info answer alone, on another port
  assert.deepEqual(identify([{ dir: 1, payload: DEVICE_INFO_REPLY }], { transport: 'tcp', serverPort: 40000 })['beckhoff_ads'], {
    command: 'ReadDeviceInfo', device_name: 'Plc30 App', device_version: '3.1.4024',
  });
  // an AMS error answer (target port not found) carries no data
  assert.equal(identify([{ dir: 1, payload: ams(2, true, new Uint8Array(0), 0x0006) }], opts)['protocol'], 'BeckhoffADS');
});

test('ADS: several packets in a segment, and a packet in 1-byte and 3-byte pieces', () => {
  const r = identify([{ dir: 0, payload: cat(READ, READ_DEVICE_INFO) }, { dir: 1, payload: cat(READ_REPLY, DEVICE_INFO_REPLY) }], opts);
  assert.deepEqual(r['beckhoff_ads'], { command: 'Read', device_name: 'Plc30 App', device_version: '3.1.4024' });
  // 1-byte pieces through the AMS/TCP header, 3-byte ones after (the engine inspects 32 packets at most)
  const pieces: Exchange[] = [];
  for (let i = 0; i < 8; i++) pieces.push({ dir: 0, payload: READ.subarray(i, i + 1) });
  for (let i = 8; i < READ.length; i += 3) pieces.push({ dir: 0, payload: READ.subarray(i, i + 3) });
  assert.deepEqual(identify(pieces, opts)['beckhoff_ads'], { command: 'Read' });
  const threes: Exchange[] = [{ dir: 0, payload: READ_DEVICE_INFO }];
  for (let i = 0; i < DEVICE_INFO_REPLY.length; i += 3) threes.push({ dir: 1, payload: DEVICE_INFO_REPLY.subarray(i, i + 3) });
  assert.deepEqual(identify(threes, opts)['beckhoff_ads'], { command: 'ReadDeviceInfo', device_name: 'Plc30 App', device_version: '3.1.4024' });
});

test('ADS discovery over UDP 48899', () => {
  const request = hex(`
    03 66 14 71   # magic 0x71146603
    00 00 00 00   # invoke id
    01 00 00 00   # service: identify
    c0 a8 00 0a 01 01 10 27   # sender AmsNetId, port 10000
    00 00 00 00   # no tags
  `);
  const r = identify([{ dir: 0, payload: request }], { transport: 'udp', serverPort: 48899 });
  assert.equal(r['protocol'], 'BeckhoffADS');
  assert.deepEqual(r['beckhoff_ads'], { command: 'Discovery' });
  const answer = cat(hex('03 66 14 71 00 00 00 00 01 00 00 80 05 12 34 56 01 01 10 27 01 00 00 00'), hex('05 00 04 00 50 4c 43 00'));
  assert.equal(identify([{ dir: 1, payload: answer }], { transport: 'udp', serverPort: 48899 })['protocol'], 'BeckhoffADS');
  assert.ok(notByDpi(identify([{ dir: 0, payload: request.subarray(0, 12) }], { transport: 'udp', serverPort: 48899 }), 'BeckhoffADS'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: cat(hex('03 66 14 72'), request.subarray(4)) }], { transport: 'udp', serverPort: 48899 }), 'BeckhoffADS'));
});

test('ADS: other protocols and broken packets are not ADS', () => {
  const broken = (m: Uint8Array, at: number, ...v: number[]): Uint8Array => {
    const c = Uint8Array.from(m);
    c.set(v, at);
    return c;
  };
  const cases: Exchange[][] = [
    [{ dir: 0, payload: 'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n' }],
    [{ dir: 0, payload: hex('16 03 01 00 2f 01 00 00 2b 03 03') }],
    [{ dir: 0, payload: 'SSH-2.0-OpenSSH_9.6\r\n' }],
    [{ dir: 0, payload: hex('00 00 5c 90 01 fe 42 6b 00 d9 3e 77 10 2c 55 01 99 12 00 00 7a 11 3b 02 00 a3 17 5c 90 01 fe 42 6b 00 d9 3e 77 10 2c') }],
    [{ dir: 0, payload: READ.subarray(0, 30) }], // truncated header
    [{ dir: 0, payload: broken(READ, 1, 0x10) }], // reserved not zero
    [{ dir: 0, payload: broken(READ, 2, 0x2d) }], // AMS/TCP length not 32 + data
    [{ dir: 0, payload: broken(READ, 22, 0x0a) }], // command 10
    [{ dir: 0, payload: broken(READ, 24, 0x08) }], // state flags: system command
    [{ dir: 0, payload: broken(READ, 30, 1) }], // a request with an error code
    [{ dir: 0, payload: ams(2, false, cat(u32(0x4020), u32(0))) }], // Read request of 8 bytes
    [{ dir: 0, payload: ams(3, false, cat(u32(0x4020), u32(0), u32(9), hex('01 00'))) }], // Write length not the data's
    [{ dir: 1, payload: ams(1, true, new Uint8Array(20)) }], // device info of 20 bytes
  ];
  for (const [i, c] of cases.entries()) assert.ok(notByDpi(identify(c, opts), 'BeckhoffADS'), `case ${i}`);
});

test('ADS: fuzzed first payloads', () => {
  fuzz(READ_WRITE, 'tcp', 48898);
  fuzz(DEVICE_INFO_REPLY, 'tcp', 48898, 1, 80);
});
