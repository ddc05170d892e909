import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

// a transport request from a 7.6.2 node: 'ES', length, request id, status, version, …
const REQUEST = hex(`
  45 53                     # 'ES' marker
  00 00 00 1b               # length of the rest: 27
  00 00 00 00 2e 2b 06 96   # request id
  00                        # status: request
  00 6b bb 4b               # version id 7060299 = 7.6.2
  00 00 00 08               # variable header size
  00 00 00 00 00 00 00 00   # (thread context, action name … elided)
`);

test('Elasticsearch transport header names the flow', () => {
  const r = identify([{ dir: 0, payload: REQUEST }], { transport: 'tcp', serverPort: 9300 });
  assert.equal(r['protocol'], 'Elasticsearch');
  assert.deepEqual(r['elasticsearch'], { version: '7.6.2' });
  // the response alone (capture started late) on a non-standard port
  const resp = Uint8Array.from(REQUEST);
  resp[14] = 0x01;
  assert.equal(identify([{ dir: 1, payload: resp }], { transport: 'tcp', serverPort: 19300 })['protocol'], 'Elasticsearch');
});

test('Elasticsearch refuses a ping alone, bad versions and bad status bits', () => {
  assert.equal(identify([{ dir: 0, payload: hex('45 53 ff ff ff ff') }], { transport: 'tcp', serverPort: 9300 })['elasticsearch'], null);
  const old = Uint8Array.from(REQUEST);
  old.set([0x00, 0x0f, 0x42, 0x40], 15); // version id 1000000: 1.0.0, another header layout
  assert.equal(identify([{ dir: 0, payload: old }], { transport: 'tcp', serverPort: 9300 })['elasticsearch'], null);
  const bad = Uint8Array.from(REQUEST);
  bad[14] = 0x80;
  assert.equal(identify([{ dir: 0, payload: bad }], { transport: 'tcp', serverPort: 9300 })['elasticsearch'], null);
  assert.equal(identify([{ dir: 0, payload: enc('ES is not a header\r\n') }], { transport: 'tcp', serverPort: 9300 })['elasticsearch'], null);
  fuzz(REQUEST, 'tcp', 9300);
  void cat;
});
