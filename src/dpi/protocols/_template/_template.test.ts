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
