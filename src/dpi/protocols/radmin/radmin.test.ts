import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const HELLO = hex(`
  01          # message start
  00 00 00 01 # body length 1
  00 00 00 08 # (header bytes, not interpreted)
  08          # body
`);
const ANSWER = hex(`
  01          # message start
  00 00 00 05 # body length 5
  00 00 02 27 # (header bytes)
  27 02 00 00 00 # body
`);

test('Radmin: a framed message each way on 4899', () => {
  const r = identify([{ dir: 0, payload: HELLO }, { dir: 1, payload: ANSWER }], { transport: 'tcp', serverPort: 4899 });
  assert.equal(r['protocol'], 'Radmin');
});

test('Radmin refuses one direction, length mismatches and other ports', () => {
  assert.notEqual(identify([{ dir: 0, payload: HELLO }], { transport: 'tcp', serverPort: 4899 })['confidence'], 'dpi'); // a port guess only
  assert.notEqual(identify([{ dir: 0, payload: HELLO }, { dir: 1, payload: ANSWER.subarray(0, 12) }, { dir: 1, payload: hex('ff ff ff') }], { transport: 'tcp', serverPort: 4899 })['confidence'], 'dpi');
  assert.notEqual(identify([{ dir: 0, payload: HELLO }, { dir: 1, payload: ANSWER }], { transport: 'tcp', serverPort: 4900 })['protocol'], 'Radmin');
  fuzz(HELLO, 'tcp', 4899);
  void enc; void cat;
});
