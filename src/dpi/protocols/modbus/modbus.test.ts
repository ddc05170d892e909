import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Exchange, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

const req = hex('00 d1  00 00  00 06  01  03  00 01 00 01'); // tid, protocol 0, length 6, unit 1, read holding registers
const rsp = hex('00 d1  00 00  00 05  01  03  02 00 00');

test('Modbus/TCP on 502, and off 502 once the answer matches', () => {
  const r = identify([{ dir: 0, payload: req }, { dir: 1, payload: rsp }], { transport: 'tcp', serverPort: 502 });
  assert.equal(r['protocol'], 'Modbus');
  assert.deepEqual(r['modbus'], { function_code: 3 });
  assert.equal(identify([{ dir: 0, payload: req }, { dir: 1, payload: rsp }], { transport: 'tcp', serverPort: 5020 })['protocol'], 'Modbus');
  const wrong = Uint8Array.from(rsp);
  wrong[1] = 0xd2;
  assert.equal(identify([{ dir: 0, payload: req }, { dir: 1, payload: wrong }], { transport: 'tcp', serverPort: 5020 })['modbus'], null);
});

test('Modbus: fuzz', () => {
  fuzz(req, 'tcp', 502);
});

// UMAS (Schneider Electric) over Modbus/TCP function code 0x5A: session key, UMAS function code;
// the PLC answers with the session key and 0xFE (success) or 0xFD (error).
const umasReadId = hex('00 01  00 00  00 04  00  5a  00 02'); // READ_ID (0x02), no reservation
const umasReadIdOk = hex('00 01  00 00  00 0c  00  5a  00 fe  f0 00 02 01 40 00 00 00'); // 00 fe + data
const umasReserve = hex('00 02  00 00  00 05  00  5a  00 10  3b'); // TAKE_PLC_RESERVATION

test('UMAS: Modbus function 0x5A names the flow UMAS, with its function code', () => {
  const r = identify([{ dir: 0, payload: umasReadId }, { dir: 1, payload: umasReadIdOk }], { transport: 'tcp', serverPort: 502 });
  assert.equal(r['protocol'], 'UMAS');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['modbus'], { function_code: 0x5a, umas_function: 2 });
  assert.deepEqual(identify([{ dir: 0, payload: umasReserve }], { transport: 'tcp', serverPort: 502 })['modbus'], { function_code: 0x5a, umas_function: 0x10 });
  // the PLC's answer first, and an error answer (0xFD)
  assert.equal(identify([{ dir: 1, payload: umasReadIdOk }], { transport: 'tcp', serverPort: 502 })['protocol'], 'UMAS');
  const error = hex('00 01  00 00  00 05  00  5a  00 fd  00');
  assert.equal(identify([{ dir: 0, payload: umasReadId }, { dir: 1, payload: error }], { transport: 'tcp', serverPort: 5020 })['protocol'], 'UMAS');
  // off 502 the answer must match the request
  assert.equal(identify([{ dir: 0, payload: umasReadId }, { dir: 1, payload: umasReadIdOk }], { transport: 'tcp', serverPort: 5020 })['protocol'], 'UMAS');
  assert.ok(notByDpi(identify([{ dir: 0, payload: umasReadId }], { transport: 'tcp', serverPort: 5020 }), 'UMAS'));
  // other Modbus functions stay Modbus
  assert.equal(identify([{ dir: 0, payload: req }, { dir: 1, payload: rsp }], { transport: 'tcp', serverPort: 502 })['protocol'], 'Modbus');
});

test('UMAS: split into 1-byte segments, and broken UMAS messages', () => {
  const ones: Exchange[] = [...umasReadId].map((b) => ({ dir: 0 as const, payload: Uint8Array.of(b) }));
  assert.equal(identify(ones, { transport: 'tcp', serverPort: 502 })['protocol'], 'UMAS');
  const badStatus = Uint8Array.from(umasReadIdOk);
  badStatus[9] = 0x00;
  const bad = [
    hex('00 01  00 00  00 03  00  5a  00'), // no UMAS function code
    hex('00 01  00 01  00 04  00  5a  00 02'), // protocol id 1
    hex('00 01  00 00  00 09  00  5a  00 02'), // MBAP length beyond the segment
  ];
  for (const b of bad) assert.ok(notByDpi(identify([{ dir: 0, payload: b }], { transport: 'tcp', serverPort: 502 }), 'UMAS'), Buffer.from(b).toString('hex'));
  assert.ok(notByDpi(identify([{ dir: 1, payload: badStatus }], { transport: 'tcp', serverPort: 502 }), 'UMAS'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: umasReadId }, { dir: 1, payload: badStatus }], { transport: 'tcp', serverPort: 5020 }), 'UMAS'));
});

test('UMAS: fuzz', () => {
  fuzz(umasReadId, 'tcp', 502);
  fuzz(umasReadIdOk, 'tcp', 502, 1);
});
