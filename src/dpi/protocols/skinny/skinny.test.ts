import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';

const le32 = (v: number): Uint8Array => Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
/** length (message id + data), header version, message id, data */
const message = (headerVersion: number, messageId: number, data: Uint8Array = new Uint8Array(0)): Uint8Array =>
  cat(le32(4 + data.length), le32(headerVersion), le32(messageId), data);
const deviceName = (s: string): Uint8Array => {
  const b = new Uint8Array(16);
  b.set(utf8(s));
  return b;
};
// RegisterMessage: device name, user id, instance, IPv4 address, device type (7960 = 7), max streams
const registerData = cat(deviceName('SEP0011223344AA'), le32(0), le32(1), hex('c0 00 02 0a'), le32(7), le32(0));
const register = message(0, 0x0001, registerData);
// RegisterAckMessage: keep-alive interval, date template, filler, secondary keep-alive, protocol version + filler
const registerAck = message(0, 0x0081, cat(le32(30), utf8('M/D/YA'), hex('00 00'), le32(60), hex('11 00 00 00')));
const keepAlive = message(0, 0x0000);
const keepAliveAck = message(0, 0x0100);

const tcp2000 = { transport: 'tcp', serverPort: 2000 } as const;
const elsewhere = { transport: 'tcp', serverPort: 42000 } as const;
const pieces = (m: Uint8Array, size: number) => {
  const out = [];
  for (let i = 0; i < m.length; i += size) out.push({ dir: 0 as const, payload: m.subarray(i, i + size) });
  return out;
};

test('Skinny Register (every header version) and RegisterAck', () => {
  for (const v of [0x00, 0x11, 0x12, 0x14, 0x16]) {
    const r = identify([{ dir: 0, payload: message(v, 0x0001, registerData) }], elsewhere);
    assert.equal(r['protocol'], 'Skinny');
    assert.equal(r['confidence'], 'dpi');
    assert.deepEqual(r['skinny'], { message: 'Register', header_version: v });
  }
  // a longer Register of later phones (more words after the stream count)
  const longer = message(0x11, 0x0001, cat(registerData, new Uint8Array(60)));
  assert.deepEqual(identify([{ dir: 0, payload: longer }], tcp2000)['skinny'], { message: 'Register', header_version: 0x11 });
  const both = identify([{ dir: 0, payload: register }, { dir: 1, payload: registerAck }], tcp2000);
  assert.deepEqual(both['skinny'], { message: 'Register', header_version: 0 });
});

test('Skinny: a capture that starts with the CallManager; keep-alives mid-session', () => {
  assert.deepEqual(identify([{ dir: 1, payload: registerAck }], tcp2000)['skinny'], { message: 'RegisterAck', header_version: 0 });
  // elsewhere a lone message is not enough; a keep-alive and its answer are
  assert.ok(notByDpi(identify([{ dir: 0, payload: keepAlive }], elsewhere), 'Skinny'));
  assert.deepEqual(identify([{ dir: 0, payload: keepAlive }, { dir: 1, payload: keepAliveAck }], elsewhere)['skinny'], { message: 'KeepAlive', header_version: 0 });
  // two station messages the two ways do not make a station and a CallManager
  assert.ok(notByDpi(identify([{ dir: 0, payload: keepAlive }, { dir: 1, payload: keepAlive }], elsewhere), 'Skinny'));
  // two messages in one segment
  const offHook = message(0, 0x0006);
  assert.deepEqual(identify([{ dir: 0, payload: cat(offHook, keepAlive) }], elsewhere)['skinny'], { message: 'OffHook', header_version: 0 });
});

test('Skinny split segments: 1-byte and 3-byte pieces', () => {
  const byteByByte = [...pieces(register.subarray(0, 10), 1), { dir: 0 as const, payload: register.subarray(10) }];
  assert.deepEqual(identify(byteByByte, elsewhere)['skinny'], { message: 'Register', header_version: 0 });
  assert.deepEqual(identify(pieces(register, 3).slice(0, 11).concat([{ dir: 0, payload: register.subarray(33) }]), elsewhere)['skinny'], { message: 'Register', header_version: 0 });
});

test('Skinny: look-alikes and broken messages are refused', () => {
  const others = [
    utf8('GET / HTTP/1.1\r\nHost: example.com\r\n\r\n'),
    hex('16 03 01 00 2f 01 00 00 2b 03 03'),
    utf8('SSH-2.0-OpenSSH_9.6\r\n'),
    hex('03 3a 11 c2 99 04 7e 5b 01 fe 33 20 6c d0 aa 19 42 42 42 42'),
  ];
  for (const p of others) assert.ok(notByDpi(identify([{ dir: 0, payload: p }], tcp2000), 'Skinny'));
  const bad = [
    register.subarray(0, 10), // truncated header
    message(0x05, 0x0001, registerData), // unknown header version
    message(0, 0x0001, registerData.subarray(0, 20)), // Register too short
    message(0, 0x0001, cat(deviceName('SEP\u0001bad'), registerData.subarray(16))), // control octet in the name
    message(0, 0x0001, cat(new Uint8Array(16), registerData.subarray(16))), // empty device name
    message(0, 0x7777), // unknown message id
    message(0, 0x0000, hex('00 00 00 00')), // KeepAlive carries no data
    cat(le32(0x10000), le32(0), le32(1)), // length far too large
  ];
  for (const p of bad) assert.ok(notByDpi(identify([{ dir: 0, payload: p }], tcp2000), 'Skinny'));
});

test('Skinny: fuzz', () => {
  fuzz(register, 'tcp', 2000);
  fuzz(registerAck, 'tcp', 2000, 1);
});
