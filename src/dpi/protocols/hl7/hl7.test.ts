import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const MSG = cat(hex('0b'), enc('MSH|^~\\&|SENDER|SITE|RECEIVER|SITE|20240101000000||ACK|1|P|2.5\r'), hex('1c 0d'));
const BAD = cat(hex('0b'), enc('HELLO WORLD\r'), hex('1c 0d'));

test('HL7: MLLP-framed message header', () => {
  const r = identify([{ dir: 0, payload: MSG }], { transport: 'tcp', serverPort: 2575 });
  assert.equal(r['protocol'], 'HL7');
  assert.equal(r['confidence'], 'dpi');
});

test('HL7: MLLP frame without MSH refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: BAD }], { transport: 'tcp', serverPort: 2575 });
  assert.ok(notByDpi(r, 'HL7'));
  fuzz(MSG, 'tcp', 2575, 0);
});
