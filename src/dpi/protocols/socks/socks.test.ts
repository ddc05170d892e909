import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

test('SOCKS5: greeting, then the server picks one of the offered methods', () => {
  const greeting = hex('05 02 00 02'); // VER 5, NMETHODS 2: no authentication, username/password
  const choice = hex('05 00'); // VER 5, METHOD: no authentication
  const connect = hex('05 01 00 01 c0 00 02 01 01 bb'); // CONNECT, IPv4 192.0.2.1, port 443
  const r = identify([{ dir: 0, payload: greeting }, { dir: 1, payload: choice }, { dir: 0, payload: connect }], { transport: 'tcp', serverPort: 1080 });
  assert.equal(r['protocol'], 'SOCKS');
  assert.deepEqual(r['socks'], { version: 5 });
  // "no acceptable methods" is an answer too
  assert.equal(identify([{ dir: 0, payload: greeting }, { dir: 1, payload: hex('05 ff') }], { transport: 'tcp', serverPort: 9050 })['protocol'], 'SOCKS');
});

test('SOCKS4a: CONNECT with a host name, request granted', () => {
  const req = cat(hex(`
    04 01      # VN 4, CD 1 CONNECT
    00 50      # DSTPORT 80
    00 00 00 01 # DSTIP 0.0.0.1: 4a, a host name follows
    00         # USERID: empty
  `), enc('example.com'), hex('00'));
  const r = identify([{ dir: 0, payload: req }, { dir: 1, payload: hex('00 5a 00 50 00 00 00 00') }], { transport: 'tcp', serverPort: 1080 });
  assert.equal(r['protocol'], 'SOCKS');
  assert.deepEqual(r['socks'], { version: 4 });
});

test('SOCKS refuses unanswered greetings, methods not offered and trailing bytes', () => {
  const g = hex('05 01 00');
  assert.equal(identify([{ dir: 0, payload: g }], { transport: 'tcp', serverPort: 1080 })['socks'], null);
  assert.equal(identify([{ dir: 0, payload: g }, { dir: 1, payload: hex('05 02') }], { transport: 'tcp', serverPort: 1080 })['socks'], null);
  assert.equal(identify([{ dir: 0, payload: hex('05 01 00 00') }, { dir: 1, payload: hex('05 00') }], { transport: 'tcp', serverPort: 1080 })['socks'], null);
  assert.equal(identify([{ dir: 0, payload: hex('04 03 00 50 01 02 03 04 00') }, { dir: 1, payload: hex('00 5a 00 00 00 00 00 00') }], { transport: 'tcp', serverPort: 1080 })['socks'], null);
  fuzz(hex('05 03 00 01 02'), 'tcp', 1080);
  fuzz(hex('04 01 00 50 c0 00 02 01 75 00'), 'tcp', 1080);
});
