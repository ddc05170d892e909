import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, type Exchange, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';

// Commands and replies built after the Veeder-Root Serial Interface Manual (command and
// response message formats; function 201 in-tank inventory, 504 security code, 9999 for an
// unknown function).

const tcp = { transport: 'tcp' as const, serverPort: 10001 };

/** a computer-format reply: SOH, text, "&&", the checksum that zeroes the 16-bit sum, ETX */
const computer = (text: string): Uint8Array => {
  const body = utf8(`\x01${text}&&`);
  const sum = body.reduce((a, b) => a + b, 0);
  return cat(body, utf8(((0x10000 - (sum & 0xffff)) & 0xffff).toString(16).toUpperCase().padStart(4, '0')), Uint8Array.of(0x03));
};

const I201 = utf8('\x01I20100');
const I201_REPLY = utf8('\x01\r\nI20100\r\nJUN 12, 2024  9:41 AM\r\n\r\nIN-TANK INVENTORY\r\n\r\nTANK PRODUCT             VOLUME TC VOLUME   ULLAGE   HEIGHT    WATER     TEMP\r\n  1  UNLEADED             4512      4490     5488    42.11     0.00    61.50\r\n\r\n\x03');
const i201 = utf8('\x01i20100');
const i201_REPLY = computer('i201002406121441010100000447F4E3D18046008F000000000000000');

const atg = (r: Record<string, unknown>): unknown => r['atg'];

test('ATG: in-tank inventory, display and computer formats', () => {
  const r = identify([{ dir: 0, payload: I201 }, { dir: 1, payload: I201_REPLY }], tcp);
  assert.equal(r['protocol'], 'ATG');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(atg(r), { function: '201', command_type: 'inquire', format: 'display' });
  assert.deepEqual(atg(identify([{ dir: 0, payload: i201 }, { dir: 1, payload: i201_REPLY }], tcp)), { function: '201', command_type: 'inquire', format: 'computer' });
  // with a line feed, with a tank number, with the security code before the function code
  assert.deepEqual(atg(identify([{ dir: 0, payload: '\x01I20102\n' }], tcp)), { function: '201', command_type: 'inquire', format: 'display' });
  assert.deepEqual(atg(identify([{ dir: 0, payload: '\x01000000I20500' }], tcp)), { function: '205', command_type: 'inquire', format: 'display' });
  assert.deepEqual(atg(identify([{ dir: 0, payload: '\x01S50400ABCDEF' }], tcp)), { function: '504', command_type: 'set', format: 'display' });
  assert.ok(!JSON.stringify(identify([{ dir: 0, payload: '\x01S50400ABCDEF' }], tcp)).includes('ABCDEF'));
});

test('ATG: the capture starts with the console', () => {
  assert.deepEqual(atg(identify([{ dir: 1, payload: I201_REPLY }], tcp)), { function: '201', command_type: 'inquire', format: 'display' });
  assert.deepEqual(atg(identify([{ dir: 1, payload: i201_REPLY }], tcp)), { function: '201', command_type: 'inquire', format: 'computer' });
  // the console did not know the function: 9999, and its computer-format checksum FF1B
  assert.deepEqual(atg(identify([{ dir: 1, payload: '\x019999\x03' }], tcp)), { function: 'unknown_function' });
  assert.deepEqual(atg(identify([{ dir: 1, payload: '\x019999FF1B\x03' }], tcp)), { function: 'unknown_function' });
});

test('ATG: split into 1-byte and odd-sized segments', () => {
  const ones: Exchange[] = [...'\x01I20100'].map((c) => ({ dir: 0 as const, payload: c }));
  assert.equal(identify(ones, tcp)['protocol'], 'ATG');
  const reply: Exchange[] = [];
  for (let i = 0; i < i201_REPLY.length; i += 7) reply.push({ dir: 1, payload: i201_REPLY.subarray(i, i + 7) });
  assert.equal(identify(reply, tcp)['protocol'], 'ATG');
  const replyOnes: Exchange[] = [...I201_REPLY.subarray(0, 9)].map((b) => ({ dir: 1 as const, payload: Uint8Array.of(b) }));
  assert.equal(identify(replyOnes, tcp)['protocol'], 'ATG');
});

test('ATG: broken messages and other protocols are not ATG', () => {
  const badSum = Uint8Array.from(i201_REPLY);
  badSum[badSum.length - 2] ^= 1;
  const cases: Exchange[][] = [
    [{ dir: 0, payload: '\x01X20100' }], // no such command type
    [{ dir: 0, payload: '\x01I2010' }], // truncated, nothing more
    [{ dir: 0, payload: '\x01I02100' }], // function 021
    [{ dir: 0, payload: '\x01I2\x0000100' }],
    [{ dir: 1, payload: badSum }], // computer-format checksum
    [{ dir: 1, payload: '\x01i20100 no checksum\x03' }],
    [{ dir: 1, payload: '\x01\r\nX20100\r\n\x03' }],
    [{ dir: 1, payload: '\x019998\x03' }],
    [{ dir: 0, payload: 'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n' }],
    [{ dir: 0, payload: hex('16 03 01 00 2f 01 00 00 2b 03 03') }],
    [{ dir: 1, payload: 'SSH-2.0-OpenSSH_9.6\r\n' }],
    [{ dir: 0, payload: hex('01 00 00 00 2f 01 00 00 2b 03 03 9c 1e 77') }],
    [{ dir: 0, payload: hex('01 49 32 30 9c 1e 77 03 bd 41 c8 5a 10 2c') }],
  ];
  for (const [i, c] of cases.entries()) assert.ok(notByDpi(identify(c, tcp), 'ATG'), `case ${i}`);
  assert.ok(notByDpi(identify([{ dir: 0, payload: Uint8Array.from({ length: 64 }, (_, i) => (i * 151 + 7) & 0xff) }], { transport: 'tcp', serverPort: 50999 }), 'ATG'));
});

test('ATG: fuzz', () => {
  fuzz(I201, 'tcp', 10001);
  fuzz(i201_REPLY, 'tcp', 10001, 1);
  fuzz(I201_REPLY, 'tcp', 10001, 1, 60);
});
