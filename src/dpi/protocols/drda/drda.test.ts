import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

// EXCSAT (0x1041) with one parameter, EXTNAM (0x115E), built per the DRDA DSS layout
const extnam = enc('db2jcc_application'); // 18 bytes; EBCDIC on the wire, the layout does not care
const excsat = cat(hex(`
  00 1c      # DSS length 28
  d0         # magic
  41         # format: chained, request DSS
  00 01      # correlator 1
  00 16      # DDM length 22 = 28 - 6
  10 41      # EXCSAT
  00 12 11 5e  # EXTNAM, 18 bytes with its header
`), extnam.subarray(0, 14));

// the chained ACCSEC of the same segment
const accsec = hex(`
  00 1a d0 01 00 02   # DSS length 26, request, correlator 2
  00 14 10 6d         # DDM length 20, ACCSEC
  00 06 11 a2 00 03   # SECMEC: user id and password
  00 0a 21 10 53 41 4d 50 4c 45   # RDBNAM "SAMPLE" (ASCII here)
`);

// the server's EXCSATRD reply
const excsatrd = hex(`
  00 12 d0 02 00 01   # DSS length 18, reply, correlator 1
  00 0c 14 43         # DDM length 12, EXCSATRD
  00 08 11 47 51 44 42 32   # SRVCLSNM "QDB2"
`);

test('DRDA: EXCSAT (chained with ACCSEC) names the flow on port 50000 and on another port', () => {
  const msg = cat(excsat, accsec);
  for (const serverPort of [50000, 446, 1527, 23456]) {
    const r = identify([{ dir: 0, payload: msg }, { dir: 1, payload: excsatrd }], { transport: 'tcp', serverPort });
    assert.equal(r['protocol'], 'DRDA');
    assert.equal(r['confidence'], 'dpi');
  }
});

test('DRDA: a reply seen first names the flow', () => {
  const r = identify([{ dir: 1, payload: excsatrd }], { transport: 'tcp', serverPort: 50000 });
  assert.equal(r['protocol'], 'DRDA');
  assert.equal(r['confidence'], 'dpi');
});

test('DRDA: near misses are refused; fuzz', () => {
  const near = (edit: (b: Uint8Array) => void): Uint8Array => {
    const b = Uint8Array.from(excsatrd);
    edit(b);
    return b;
  };
  for (const bad of [
    near((b) => (b[2] = 0xd1)), // magic
    near((b) => (b[3] = 0x06)), // DSS type 6
    near((b) => (b[3] = 0x00)), // DSS type 0
    near((b) => (b[3] = 0x82)), // reserved flag
    near((b) => (b[7] = 0x0d)), // DDM length not DSS length - 6
    near((b) => (b[8] = 0x00)), // code point out of the DDM range
    near((b) => { b[0] = 0x00; b[1] = 0x08; }), // DSS shorter than its headers
  ]) {
    assert.ok(notByDpi(identify([{ dir: 1, payload: bad }], { transport: 'tcp', serverPort: 50000 }), 'DRDA'));
  }
  // a chained DSS followed by something else
  assert.ok(notByDpi(identify([{ dir: 0, payload: cat(excsat, hex('00 1a 00 01')) }], { transport: 'tcp', serverPort: 50000 }), 'DRDA'));
  fuzz(cat(excsat, accsec), 'tcp', 50000);
  fuzz(excsatrd, 'tcp', 446, 1);
});
