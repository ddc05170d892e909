import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

test('STOMP CONNECT and CONNECTED', () => {
  const r = identify([
    { dir: 0, payload: 'CONNECT\naccept-version:1.1,1.2\nhost:broker.example\n\n\0' },
    { dir: 1, payload: 'CONNECTED\nversion:1.2\nheart-beat:0,0\n\n\0' },
  ], { transport: 'tcp', serverPort: 61613 });
  assert.equal(r['protocol'], 'STOMP');
  assert.deepEqual(r['stomp'], { version: '1.1,1.2' });
  // STOMP 1.2 frame name with CR LF line ends
  assert.equal(identify([{ dir: 0, payload: 'STOMP\r\naccept-version:1.2\r\nhost:/\r\n\r\n\0' }], { transport: 'tcp', serverPort: 40000 })['protocol'], 'STOMP');
});

test('STOMP refuses other commands, bare frames and bad headers', () => {
  assert.equal(identify([{ dir: 0, payload: 'SEND\ndestination:/queue/a\n\nbody\0' }], { transport: 'tcp', serverPort: 61613 })['stomp'], null);
  assert.equal(identify([{ dir: 0, payload: 'CONNECT\n\n\0' }], { transport: 'tcp', serverPort: 61613 })['stomp'], null);
  assert.equal(identify([{ dir: 0, payload: 'CONNECT\naccept-version 1.2\n\n\0' }], { transport: 'tcp', serverPort: 61613 })['stomp'], null);
  assert.notEqual(identify([{ dir: 0, payload: 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n' }], { transport: 'tcp', serverPort: 8080 })['protocol'], 'STOMP');
  fuzz(enc('CONNECT\naccept-version:1.2\nhost:a\n\n\0'), 'tcp', 61613);
  void hex; void cat;
});
