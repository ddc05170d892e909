import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';
import { gearmanAdminCommand, gearmanHeader } from './index.js';

const tcp = (serverPort = 4730) => ({ transport: 'tcp' as const, serverPort });

const canDo = cat(hex(`
  00 52 45 51   # \\0REQ
  00 00 00 01   # CAN_DO
  00 00 00 07   # 7 bytes of arguments
`), utf8('reverse'));
const grabJob = hex('00 52 45 51  00 00 00 09  00 00 00 00'); // GRAB_JOB, no arguments
const noJob = hex('00 52 45 53  00 00 00 0a  00 00 00 00'); // NO_JOB
const submitJob = cat(hex(`
  00 52 45 51   # \\0REQ
  00 00 00 07   # SUBMIT_JOB
  00 00 00 0d   # function NUL unique-id NUL workload: 13 bytes
`), utf8('reverse\0\0test'));
const jobCreated = cat(hex('00 52 45 53  00 00 00 08  00 00 00 07'), utf8('H:lap:1'));
const echoReq = cat(hex('00 52 45 51  00 00 00 10  00 00 00 04'), utf8('ping'));
const echoRes = cat(hex('00 52 45 53  00 00 00 11  00 00 00 04'), utf8('ping'));

test('Gearman worker: CAN_DO, GRAB_JOB answered by NO_JOB', () => {
  const r = identify([{ dir: 0, payload: canDo }, { dir: 0, payload: grabJob }, { dir: 1, payload: noJob }], tcp());
  assert.equal(r['protocol'], 'Gearman');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['gearman'], { first_packet: 'CAN_DO' });
});

test('Gearman client: SUBMIT_JOB and JOB_CREATED, ECHO_REQ and ECHO_RES, on any port', () => {
  assert.deepEqual(identify([{ dir: 0, payload: submitJob }, { dir: 1, payload: jobCreated }], tcp(7003))['gearman'], { first_packet: 'SUBMIT_JOB' });
  assert.deepEqual(identify([{ dir: 0, payload: echoReq }, { dir: 1, payload: echoRes }], tcp(40000))['gearman'], { first_packet: 'ECHO_REQ' });
});

test('Gearman: a capture that starts with the server (NOOP, JOB_ASSIGN, WORK_COMPLETE)', () => {
  const noop = hex('00 52 45 53  00 00 00 06  00 00 00 00');
  assert.deepEqual(identify([{ dir: 1, payload: noop }], tcp())['gearman'], { first_packet: 'NOOP' });
  const assign = cat(hex('00 52 45 53  00 00 00 0b  00 00 00 14'), utf8('H:lap:1\0reverse\0test'));
  assert.deepEqual(identify([{ dir: 1, payload: assign }], tcp())['gearman'], { first_packet: 'JOB_ASSIGN' });
  const complete = cat(hex('00 52 45 53  00 00 00 0d  00 00 00 0c'), utf8('H:lap:1\0tset'));
  assert.deepEqual(identify([{ dir: 1, payload: complete }], tcp())['gearman'], { first_packet: 'WORK_COMPLETE' });
});

test('Gearman: every defined type with its magic, none with the other or type 5', () => {
  const header = (magic: 'REQ' | 'RES', type: number, size = 0): Uint8Array => {
    const h = cat(utf8(`\0${magic}`), new Uint8Array(8));
    new DataView(h.buffer).setUint32(4, type);
    new DataView(h.buffer).setUint32(8, size);
    return h;
  };
  const res = [6, 8, 10, 11, 12, 13, 14, 17, 19, 20, 25, 27, 28, 29, 31, 40, 42];
  const both = [12, 13, 14, 25, 28, 29];
  const noArgs = [3, 4, 6, 9, 10, 24, 30, 39];
  for (let type = 0; type <= 43; type++) {
    const valid = type >= 1 && type <= 42 && type !== 5;
    const isRes = res.includes(type);
    const size = noArgs.includes(type) ? 0 : 3;
    assert.equal(gearmanHeader(header('REQ', type, size), 0, 12) !== null, valid && (!isRes || both.includes(type)), `REQ ${type}`);
    assert.equal(gearmanHeader(header('RES', type, size), 0, 12) !== null, valid && isRes, `RES ${type}`);
  }
  assert.equal(gearmanHeader(header('REQ', 9, 4), 0, 12), null, 'GRAB_JOB takes no arguments');
  assert.equal(gearmanHeader(header('REQ', 7, 0x7fffffff), 0, 12), null, 'absurd size');
});

test('Gearman: the header split into 1-byte and 3-byte segments', () => {
  const ones = Array.from(submitJob.subarray(0, 12), (b) => ({ dir: 0 as const, payload: Uint8Array.of(b) }));
  // the engine decides within its packet budget, so the first 6 bytes come one at a time
  const r1 = identify([...ones.slice(0, 5), { dir: 0, payload: submitJob.subarray(5) }], tcp());
  assert.deepEqual(r1['gearman'], { first_packet: 'SUBMIT_JOB' });
  const threes = [0, 3, 6, 9, 12].map((i) => ({ dir: 0 as const, payload: submitJob.subarray(i, i + 3 > 12 ? submitJob.length : i + 3) }));
  assert.deepEqual(identify(threes, tcp(9999))['gearman'], { first_packet: 'SUBMIT_JOB' });
});

test('Gearman admin protocol: status, workers, version, arguments, CR LF or LF, split', () => {
  for (const [line, command] of [
    ['status\n', 'status'], ['workers\r\n', 'workers'], ['version\n', 'version'], ['maxqueue reverse 10\n', 'maxqueue'],
    ['show unique jobs\r\n', 'show unique jobs'], ['cancel job H:lap:1\n', 'cancel job'], ['STATUS\n', 'status'],
  ] as const) {
    const r = identify([{ dir: 0, payload: line }, { dir: 1, payload: 'OK 1.1.19\n' }], tcp());
    assert.equal(r['protocol'], 'Gearman', line);
    assert.deepEqual(r['gearman'], { admin_command: command }, line);
  }
  const split = identify([{ dir: 0, payload: 'sta' }, { dir: 0, payload: 'tu' }, { dir: 0, payload: 's\r\n' }], tcp());
  assert.deepEqual(split['gearman'], { admin_command: 'status' });
  assert.equal(gearmanAdminCommand(utf8('status now\n'), 0, 11), null, 'status takes no arguments');
  assert.equal(gearmanAdminCommand(utf8('workers'), 0, 7), undefined, 'line not ended yet');
  assert.equal(gearmanAdminCommand(utf8('GET / HTTP/1.1'), 0, 14), null);
});

test('Gearman: the admin protocol is only taken on port 4730, from the client', () => {
  assert.ok(notByDpi(identify([{ dir: 0, payload: 'status\n' }], tcp(8080)), 'Gearman'));
  assert.ok(notByDpi(identify([{ dir: 1, payload: 'version\n' }], tcp()), 'Gearman'));
});

test('Gearman: other protocols and broken headers are not named Gearman', () => {
  const others: (string | Uint8Array)[] = [
    'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n',
    'SSH-2.0-OpenSSH_9.6\r\n',
    hex('16 03 01 00 c8 01 00 00 c4 03 03') ,
    hex('00 00 00 2f ff 53 4d 42 72 00 00 00 00'), // NetBIOS session + SMB1
    Uint8Array.from({ length: 64 }, (_, i) => (i * 73 + 11) & 0xff),
    canDo.subarray(0, 9), // truncated header
    hex('00 52 45 58  00 00 00 01  00 00 00 00'), // bad magic "\0REX"
    hex('00 52 45 51  00 00 00 05  00 00 00 00'), // unused type 5
    hex('00 52 45 51  00 00 00 2b  00 00 00 00'), // type 43
  ];
  for (const p of others) {
    const r = identify([{ dir: 0, payload: p }], tcp());
    assert.ok(notByDpi(r, 'Gearman'), String(p));
    assert.equal(r['gearman'], null);
  }
});

test('Gearman: fuzz', () => {
  fuzz(submitJob, 'tcp', 4730, 0);
  fuzz(jobCreated, 'tcp', 4730, 1);
  fuzz(utf8('workers\r\n'), 'tcp', 4730, 0);
});
