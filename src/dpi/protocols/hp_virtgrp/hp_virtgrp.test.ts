import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';

// records: type, length (u16, whole record), body
const HELLO = hex(`
  16            # client opening record
  00 0c         # length 12, the whole record
  01 02 03 04 05 06 07 08 09   # body (opaque)
`);
const ANSWER = hex(`
  17            # server answer
  00 0a         # length 10
  aa bb cc dd ee ff 00         # body (opaque)
`);
// a TLS ClientHello start on the same port (Apple push): 16 03 01 …
const TLS = hex('16 03 01 00 05 01 00 00 01 00');

test('HP_VIRTGRP: opening record and answer', () => {
  const r = identify([{ dir: 0, payload: HELLO }, { dir: 1, payload: ANSWER }], { transport: 'tcp', serverPort: 5223 });
  assert.equal(r['protocol'], 'HP_VIRTGRP');
  assert.equal(r['confidence'], 'dpi');
});

test('HP_VIRTGRP: TLS record on 5223 refused; fuzz', () => {
  const r = identify([{ dir: 0, payload: TLS }], { transport: 'tcp', serverPort: 5223 });
  assert.ok(notByDpi(r, 'HP_VIRTGRP'));
  fuzz(HELLO, 'tcp', 5223, 0);
});
