import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identify, utf8 } from '../../../test-support/dpi-test-kit.js';
import dissector from './index.js';

// Start here: one test per message type and version the specification describes, built byte by
// byte (see other folders' tests and test-support/dpi-test-kit.ts: identify(), fuzzFirstPayload()),
// with the server speaking first where the spec allows it and segments split anywhere. The test
// below stays: the first bytes of other protocols must not be taken for this one.

const LOOK_ALIKES: readonly Uint8Array[] = [
  utf8('GET / HTTP/1.1\r\nHost: example.com\r\n\r\n'),
  Uint8Array.from([0x16, 0x03, 0x01, 0x00, 0x2f, 0x01, 0x00, 0x00, 0x2b, 0x03, 0x03]),
  utf8('SSH-2.0-OpenSSH_9.6\r\n'),
  Uint8Array.from([0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
  Uint8Array.from({ length: 64 }, (_, i) => (i * 151 + 7) & 0xff),
];

test(`${dissector.name}: the first bytes of other protocols are not taken for it`, () => {
  const mine = new Set(dissector.protocols.map((p) => p.name));
  for (const payload of LOOK_ALIKES) {
    for (const [transport, bit] of [['tcp', 1], ['udp', 2]] as const) {
      if ((dissector.transports & bit) === 0) continue;
      const r = identify([{ dir: 0, payload }], { transport, serverPort: 50999 });
      assert.ok(!mine.has(r['protocol'] as string), `${transport}: ${Buffer.from(payload.subarray(0, 12)).toString('hex')} named ${String(r['protocol'])}`);
    }
  }
});

import { concatBytes, fuzzFirstPayload, hexBytes as hex, notByDpi } from '../../../test-support/dpi-test-kit.js';
import { netcodeRequestVersion } from './index.js';

/** a netcode.io connection request (STANDARD.md, "Packet Structure") */
function request(version: string, nonceLen: number): Uint8Array {
  return concatBytes(
    hex('00'), // prefix byte 0: connection request, the one cleartext packet
    utf8(version), hex('00'), // version info, 13 bytes with the NUL
    hex('efbeadde 00000011'), // protocol id 0x11000000deadbeef, little endian
    hex('80ce6e67 00000000'), // connect token expire timestamp
    new Uint8Array(nonceLen).fill(0x5a), // 1.02: nonce (24 bytes); 1.00: token sequence (8 bytes)
    Uint8Array.from({ length: 1024 }, (_, i) => (i * 37 + 11) & 0xff), // encrypted private connect token
  );
}

const REQ_102 = request('NETCODE 1.02', 24);
const REQ_100 = request('NETCODE 1.00', 8);

test('netcode.io 1.02 connection request (1078 bytes) is Yojimbo, with version and protocol id', () => {
  assert.equal(REQ_102.length, 1078);
  assert.equal(netcodeRequestVersion(REQ_102, 0, REQ_102.length), 2);
  const r = identify([{ dir: 0, payload: REQ_102 }, { dir: 1, payload: hex('12 01') }], { transport: 'udp', serverPort: 40000 });
  assert.equal(r['protocol'], 'Yojimbo');
  assert.equal(r['confidence'], 'dpi');
  const f = r['yojimbo'] as Record<string, unknown>;
  assert.equal(f['version'], '1.02');
  assert.equal(f['protocol_id'], '11000000deadbeef');
});

test('netcode.io 1.00 connection request (1062 bytes), on another port', () => {
  assert.equal(REQ_100.length, 1062);
  const r = identify([{ dir: 0, payload: REQ_100 }], { transport: 'udp', serverPort: 5123 });
  assert.equal(r['protocol'], 'Yojimbo');
  assert.equal((r['yojimbo'] as Record<string, unknown>)['version'], '1.00');
});

test('netcode.io near misses: wrong size, wrong version, non-zero prefix', () => {
  assert.equal(netcodeRequestVersion(REQ_102, 0, 1077), -1); // one byte short
  assert.equal(netcodeRequestVersion(request('NETCODE 1.02', 8), 0, 1062), -1); // 1.02 with the 1.00 size
  assert.equal(netcodeRequestVersion(request('NETCODE 1.00', 24), 0, 1078), -1); // 1.00 with the 1.02 size
  assert.equal(netcodeRequestVersion(request('NETCODE 2.00', 24), 0, 1078), -1);
  const prefixed = Uint8Array.from(REQ_102);
  prefixed[0] = 0x12; // an encrypted packet's prefix
  assert.equal(netcodeRequestVersion(prefixed, 0, prefixed.length), -1);
  const noNul = Uint8Array.from(REQ_102);
  noNul[13] = 0x20;
  assert.ok(notByDpi(identify([{ dir: 0, payload: noNul }], { transport: 'udp', serverPort: 40000 }), 'Yojimbo'));
});

test('netcode.io fuzz: mutated connection requests never throw', () => {
  fuzzFirstPayload(REQ_102, 'udp', 40000);
  fuzzFirstPayload(REQ_100, 'udp', 40000);
});
