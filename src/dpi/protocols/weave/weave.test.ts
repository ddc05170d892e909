import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';
import { weaveMessage } from './index.js';

const MESSAGE = hex(`
  0013                # header field 0x1300 (LE): version 1, no encryption, source and destination node ids
  08030000            # message id
  369e27000030b418    # source node id (LE; 18:b4:30 is Nest's OUI)
  040000000230b418    # destination node id
  11 0a 8906 04000000 # exchange header: version 1 + initiator, message type, exchange id, profile
  00010203            # profile message
`);
const framed = (m: Uint8Array): Uint8Array => cat(Uint8Array.from([m.length & 0xff, m.length >> 8]), m);

test('Weave over TCP 11095: length-prefixed message; nDPI calls it NestLogSink', () => {
  const r = identify([{ dir: 0, payload: framed(MESSAGE) }, { dir: 1, payload: framed(MESSAGE) }], { transport: 'tcp', serverPort: 11095 });
  assert.equal(r['protocol'], 'Weave');
  assert.equal(r['category'], 'IoT-Scada');
  // split: the length prefix and the start of the message first
  const whole = framed(MESSAGE);
  const split = identify([{ dir: 0, payload: whole.subarray(0, 12) }, { dir: 0, payload: whole.subarray(12) }], { transport: 'tcp', serverPort: 11095 });
  assert.equal(split['protocol'], 'Weave');
});

test('Weave over UDP, and refusals: version, encryption type, exchange version, other ports; fuzz', () => {
  assert.equal(identify([{ dir: 0, payload: MESSAGE }], { transport: 'udp', serverPort: 11095 })['protocol'], 'Weave');
  assert.equal(weaveMessage(MESSAGE, 0, MESSAGE.length), true);
  for (const [i, v] of [[1, 0x33], [0, 0x30], [22, 0x21]] as const) {
    const m = Uint8Array.from(MESSAGE);
    m[i] = v;
    assert.equal(weaveMessage(m, 0, m.length), false, `byte ${i} = ${v}`);
  }
  assert.ok(notByDpi(identify([{ dir: 0, payload: framed(MESSAGE) }], { transport: 'tcp', serverPort: 11096 }), 'Weave'));
  fuzz(framed(MESSAGE), 'tcp', 11095, 0);
  fuzz(MESSAGE, 'udp', 11095, 0);
});
