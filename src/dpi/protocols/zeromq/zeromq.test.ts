import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, type Exchange, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';

// Greetings built after 23/ZMTP and 37/ZMTP (64 bytes) and 15/ZMTP (2.0).

/** 0xFF, padding (libzmq puts a 1.0-compatible length there; it is not significant), 0x7F */
const SIGNATURE = hex('ff 00 00 00 00 00 00 00 01 7f');

const v3 = (minor: number, mechanism: string, asServer: number): Uint8Array => {
  const m = new Uint8Array(20);
  m.set(utf8(mechanism));
  return cat(SIGNATURE, Uint8Array.of(3, minor), m, Uint8Array.of(asServer), new Uint8Array(31));
};

/** ZMTP 2.0: revision 1, socket type, identity as a final short frame */
const v2 = (socketType: number, identity: string): Uint8Array => cat(SIGNATURE, Uint8Array.of(1, socketType, 0, identity.length), utf8(identity));

/** a greeting as libzmq sends it: the first 11 bytes, then the rest once the peer's version is read */
const halves = (g: Uint8Array, dir: 0 | 1): [Exchange, Exchange] => [
  { dir, payload: g.subarray(0, 11) },
  { dir, payload: g.subarray(11) },
];

/** the NULL mechanism's READY command (flags 0x04, size, name, Socket-Type property) */
const READY = hex('04 19 05 52 45 41 44 59 0b 53 6f 63 6b 65 74 2d 54 79 70 65 00 00 00 03 52 45 51');

const opts = { transport: 'tcp' as const, serverPort: 5555 };

test('ZeroMQ 3.0 NULL: both greetings in two pieces each', () => {
  const [c1, c2] = halves(v3(0, 'NULL', 0), 0);
  const [s1, s2] = halves(v3(0, 'NULL', 0), 1);
  const r = identify([c1, s1, c2, s2, { dir: 0, payload: READY }], opts);
  assert.equal(r['protocol'], 'ZeroMQ');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['zeromq'], { version: '3.0', mechanism: 'NULL' });
});

test('ZeroMQ 3.1: PLAIN and CURVE (server side as-server 1), whole greetings, on other ports', () => {
  const plain = identify([{ dir: 0, payload: v3(1, 'PLAIN', 0) }, { dir: 1, payload: v3(1, 'PLAIN', 1) }], { transport: 'tcp', serverPort: 40001 });
  assert.deepEqual(plain['zeromq'], { version: '3.1', mechanism: 'PLAIN' });
  const curve = identify([{ dir: 0, payload: cat(v3(1, 'CURVE', 0), hex('04 a8 05 48 45 4c 4c 4f')) }], { transport: 'tcp', serverPort: 9000 });
  assert.deepEqual(curve['zeromq'], { version: '3.1', mechanism: 'CURVE' });
});

test('ZeroMQ: the server side first (a capture that starts with the listener)', () => {
  const r = identify([{ dir: 1, payload: v3(1, 'NULL', 0) }, { dir: 0, payload: v3(1, 'NULL', 0) }], opts);
  assert.deepEqual(r['zeromq'], { version: '3.1', mechanism: 'NULL' });
  const noSyn = identify([{ dir: 1, payload: v3(1, 'NULL', 0) }], { ...opts, handshake: false });
  assert.equal(noSyn['protocol'], 'ZeroMQ');
  assert.equal(noSyn['confidence'], 'dpi');
});

test('ZeroMQ: a greeting in 1-byte, then 3-byte pieces', () => {
  const g = v3(1, 'NULL', 0);
  const parts: Exchange[] = [];
  for (let i = 0; i < 11; i++) parts.push({ dir: 0, payload: g.subarray(i, i + 1) });
  for (let i = 11; i < 20; i += 3) parts.push({ dir: 0, payload: g.subarray(i, i + 3) });
  parts.push({ dir: 0, payload: g.subarray(20) });
  const r = identify(parts, opts);
  assert.deepEqual(r['zeromq'], { version: '3.1', mechanism: 'NULL' });
});

test('ZeroMQ 2.0: revision 1, socket type, identity; and a 3.x peer downgrading to it', () => {
  const req = identify([{ dir: 0, payload: v2(3, '') }, { dir: 1, payload: v2(4, '') }], opts);
  assert.equal(req['protocol'], 'ZeroMQ');
  assert.deepEqual(req['zeromq'], { version: '2.0' });
  // identity "abc", then a one-frame message
  assert.deepEqual(identify([{ dir: 0, payload: cat(v2(5, 'abc'), hex('00 02 68 69')) }], opts)['zeromq'], { version: '2.0' });
  // in 1-byte pieces
  const g = v2(8, 'id');
  assert.deepEqual(identify(Array.from(g, (_, i) => ({ dir: 0 as const, payload: g.subarray(i, i + 1) })), opts)['zeromq'], { version: '2.0' });
  // the 3.x side sends its 11 bytes, reads revision 1, then goes on in the 2.0 form
  const downgraded = cat(SIGNATURE, Uint8Array.of(3, 7, 0, 0));
  const r = identify([{ dir: 0, payload: downgraded.subarray(0, 11) }, { dir: 1, payload: v2(8, '') }, { dir: 0, payload: downgraded.subarray(11) }], opts);
  assert.deepEqual(r['zeromq'], { version: '2.0' });
});

test('ZeroMQ: other protocols and broken greetings are not ZeroMQ', () => {
  const bad3 = (mutate: (g: Uint8Array) => void): Uint8Array => {
    const g = v3(0, 'NULL', 0);
    mutate(g);
    return g;
  };
  const cases: Exchange[][] = [
    [{ dir: 0, payload: 'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n' }],
    [{ dir: 0, payload: hex('16 03 01 00 2f 01 00 00 2b 03 03') }],
    [{ dir: 0, payload: 'SSH-2.0-OpenSSH_9.6\r\n' }],
    [{ dir: 0, payload: hex('a3 17 5c 90 01 fe 42 6b 00 d9 3e 77 10 2c') }],
    // Telnet option negotiation also starts with 0xFF (IAC)
    [{ dir: 1, payload: hex('ff fd 18 ff fd 20 ff fd 23 ff fd 27') }, { dir: 0, payload: hex('ff fb 18 ff fb 20 ff fb 23 ff fb 27') }],
    [{ dir: 0, payload: bad3((g) => (g[9] = 0x7e)) }], // signature end
    [{ dir: 0, payload: bad3((g) => (g[10] = 2)) }], // major version
    [{ dir: 0, payload: bad3((g) => (g[11] = 5)) }], // minor version
    [{ dir: 0, payload: bad3((g) => g.set(utf8('null'), 12)) }], // lower case mechanism
    [{ dir: 0, payload: bad3((g) => (g[18] = 0x41)) }], // a character after the padding NUL
    [{ dir: 0, payload: bad3((g) => (g[32] = 2)) }], // as-server
    [{ dir: 0, payload: bad3((g) => (g[50] = 1)) }], // filler
    [{ dir: 0, payload: v3(0, 'NULL', 0).subarray(0, 40) }], // truncated, nothing more
    [{ dir: 0, payload: v3(0, 'NULL', 0).subarray(0, 11) }, { dir: 1, payload: v3(0, 'NULL', 0).subarray(0, 11) }], // half greetings only
    [{ dir: 0, payload: v2(0x20, '') }], // socket type out of range
    [{ dir: 0, payload: cat(SIGNATURE, hex('01 03 01 00')) }], // identity not a final short frame
    [{ dir: 0, payload: cat(v2(3, ''), hex('f0 00')) }], // what follows is not a frame
  ];
  for (const [i, c] of cases.entries()) assert.ok(notByDpi(identify(c, opts), 'ZeroMQ'), `case ${i}`);
});

test('ZeroMQ: fuzzed first payloads', () => {
  fuzz(v3(1, 'NULL', 0), 'tcp', 5555);
  fuzz(v2(3, 'abc'), 'tcp', 5555, 1, 80);
});
