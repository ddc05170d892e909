import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, type Exchange, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';
import { type InspectContext, Verdict } from '../../api/dissector.js';
import s7commplus, { scanStream } from './index.js';

// Frames built after the public descriptions of S7CommPlus: TPKT + COTP DT + 0x72 frame.

const CR = hex(`
  03 00 00 23   # TPKT: version 3, length 35
  1e e0         # COTP: length 30, connection request
  00 00 00 01 00   # destination / source reference, class 0
  c1 02 06 00   # calling TSAP
  c2 0f 53 49 4d 41 54 49 43 2d 52 4f 4f 54 2d 45 53   # called TSAP "SIMATIC-ROOT-ES"
  c0 01 0a      # TPDU size 1024
`);
const CC = hex('03 00 00 23 1e d0 00 01 00 01 00 c1 02 06 00 c2 0f 53 49 4d 41 54 49 43 2d 52 4f 4f 54 2d 45 53 c0 01 0a');

/** TPKT + COTP DT (last unit) around an S7CommPlus frame of `version` with `data` */
const dt = (version: number, data: Uint8Array): Uint8Array => {
  const frame = cat(Uint8Array.of(0x72, version, data.length >> 8, data.length & 0xff), data, Uint8Array.of(0x72, version, 0, 0));
  const size = 7 + frame.length;
  return cat(Uint8Array.of(3, 0, size >> 8, size & 0xff, 0x02, 0xf0, 0x80), frame);
};

/** CreateObject request: opcode 0x31, reserved, function 0x04ca, reserved, sequence number, … */
const CREATE_OBJECT = dt(1, hex('31 00 00 04 ca 00 00 00 01 00 00 01 20 36 00 00 01 1d 00 04 00 00 00 00 00 a1 00 00 00 d3 82 1f 00 00'));
/** its response: opcode 0x32 */
const CREATE_OBJECT_RESPONSE = dt(1, hex('32 00 00 04 ca 00 00 00 01 36 13 00 87 00 00 00 01 00 00 00 00 00 00'));
/** a version 3 frame (integrity part first) */
const V3_FRAME = dt(3, hex('20 3a 9e 41 07 55 ce 2c 1a 63 e0 41 90 6b 0a 10 22 31 44 af 5b 7c 00 15 62 71 03 1e 88 9d 00 31 00 00 05 86 00 00 00 02'));

const opts = { transport: 'tcp' as const, serverPort: 102 };

/** the dissector on one direction's stream, with a context that records the name */
function inspectStream(stream: Uint8Array, dir: 0 | 1 = 0): { verdict: number; protocol: string | null; fields: Record<string, unknown> } {
  const names: string[] = [];
  let protocol: string | null = null;
  const fields: Record<string, unknown> = {};
  const ctx = {
    dir, l4: 6, clientPort: 50000, serverPort: 102, gap: false, newData: 0, payloadPackets: 1,
    protocolId: (n: string) => (names.includes(n) ? names.indexOf(n) : names.push(n) - 1),
    setProtocol: (id: number) => (protocol = names[id]!),
    setField: (k: string, v: unknown) => (fields[k] = v),
  } as unknown as InspectContext;
  const verdict = s7commplus.inspect({}, stream, 0, stream.length, ctx);
  return { verdict, protocol, fields };
}

test('S7CommPlus: the dissector names V1 request and response, V2 and V3 frames', () => {
  for (const [stream, version] of [[cat(CR, CREATE_OBJECT), 1], [cat(CC, CREATE_OBJECT_RESPONSE), 1], [dt(2, hex('31 00 00 05 4f 00 00')), 2], [V3_FRAME, 3]] as const) {
    const r = inspectStream(stream);
    assert.equal(r.verdict, Verdict.Done);
    assert.equal(r.protocol, 'S7CommPlus');
    assert.deepEqual(r.fields, { version });
  }
  assert.equal(inspectStream(CR).verdict, Verdict.Continue);
  assert.equal(inspectStream(CREATE_OBJECT.subarray(0, 10)).verdict, Verdict.Continue);
});

test('S7CommPlus: classic S7comm, MMS session data and broken frames are refused', () => {
  const classic = hex('03 00 00 19 02 f0 80 32 01 00 00 00 00 00 08 00 00 f0 00 00 01 00 01 01 e0');
  const mms = hex('03 00 00 0f 02 f0 80 01 00 01 00 61 02 30 00');
  const broken = (m: Uint8Array, at: number, v: number): Uint8Array => {
    const c = Uint8Array.from(m);
    c[at] = v;
    return c;
  };
  for (const s of [classic, mms, broken(CREATE_OBJECT, 8, 0x05), broken(CREATE_OBJECT, 10, 0x40), broken(CREATE_OBJECT, CREATE_OBJECT.length - 3, 2), broken(CREATE_OBJECT, CREATE_OBJECT.length - 1, 1), broken(CREATE_OBJECT, 11, 0x50), broken(CREATE_OBJECT, 6, 0x00)]) {
    assert.equal(scanStream(s, 0, s.length), null);
  }
});

// End to end, through the engine: s7comm leaves protocol id 0x72 to this folder.
test('S7CommPlus end to end: connection set-up then CreateObject, both directions', () => {
  const r = identify([{ dir: 0, payload: CR }, { dir: 1, payload: CC }, { dir: 0, payload: CREATE_OBJECT }, { dir: 1, payload: CREATE_OBJECT_RESPONSE }], opts);
  assert.equal(r['protocol'], 'S7CommPlus');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['s7commplus'], { version: 1 });
  // server side first, joined late
  assert.deepEqual(identify([{ dir: 1, payload: V3_FRAME }], { ...opts, handshake: false })['s7commplus'], { version: 3 });
});

test('S7CommPlus end to end: CreateObject in 1-byte then 3-byte pieces', () => {
  const parts: Exchange[] = [{ dir: 0, payload: CR }, { dir: 1, payload: CC }];
  for (let i = 0; i < 8; i++) parts.push({ dir: 0, payload: CREATE_OBJECT.subarray(i, i + 1) });
  for (let i = 8; i < CREATE_OBJECT.length; i += 3) parts.push({ dir: 0, payload: CREATE_OBJECT.subarray(i, i + 3) });
  assert.deepEqual(identify(parts, opts)['s7commplus'], { version: 1 });
});

test('S7CommPlus: other protocols are not S7CommPlus; fuzz', () => {
  const cases: Exchange[][] = [
    [{ dir: 0, payload: 'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n' }],
    [{ dir: 0, payload: hex('16 03 01 00 2f 01 00 00 2b 03 03') }],
    [{ dir: 0, payload: 'SSH-2.0-OpenSSH_9.6\r\n' }],
    [{ dir: 0, payload: hex('03 00 5c 90 01 fe 42 6b 00 d9 3e 77 10 2c 55 01 99 12 00 00 7a 11 3b 02 00') }],
    [{ dir: 0, payload: CR }, { dir: 1, payload: CC }, { dir: 0, payload: hex('03 00 00 19 02 f0 80 32 01 00 00 00 00 00 08 00 00 f0 00 00 01 00 01 01 e0') }],
    [{ dir: 0, payload: CREATE_OBJECT.subarray(0, 20) }],
  ];
  for (const [i, c] of cases.entries()) assert.ok(notByDpi(identify(c, opts), 'S7CommPlus'), `case ${i}`);
  fuzz(CREATE_OBJECT, 'tcp', 102);
  fuzz(V3_FRAME, 'tcp', 102, 1, 80);
});
