import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';
import { clientHelloBody, handshake, record, sniExt } from '../../../test-support/tls-hello.js';

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

const hello = Uint8Array.from(record(0x16, handshake(0x01, clientHelloBody({ ciphers: [0x1301, 0x1302, 0xc02f], extensions: [sniExt('tunnel.example')] }))));
const greeting5 = hex('05 02 00 02');
const connect5 = cat(hex('05 01 00 03 0e'), enc('tunnel.example'), hex('01 bb')); // CONNECT, domain name (ATYP 3), port 443
const granted5 = hex('05 00 00 01 c0 00 02 0a 9c 40'); // REP 0 succeeded, BND 192.0.2.10:40000

test('TLS through SOCKS5: after a granted CONNECT the TLS dissector reads the tunnel (server name, JA4)', () => {
  const r = identify([
    { dir: 0, payload: greeting5 }, { dir: 1, payload: hex('05 00') },
    { dir: 0, payload: connect5 }, { dir: 1, payload: granted5 },
    { dir: 0, payload: hello },
  ], { transport: 'tcp', serverPort: 1080 });
  assert.equal(r['protocol'], 'SOCKS');
  assert.equal(r['hostname'], 'tunnel.example');
  assert.equal((r['tls'] as Record<string, unknown>)['sni'], 'tunnel.example');
  assert.match(r['ja4'] as string, /^t12d0301/);
  // RFC 1929 username/password sub-negotiation first (skipped by its lengths, nothing kept); IPv6 reply
  const auth = identify([
    { dir: 0, payload: greeting5 }, { dir: 1, payload: hex('05 02') },
    { dir: 0, payload: cat(hex('01 04'), enc('user'), hex('06'), enc('secret')) }, { dir: 1, payload: hex('01 00') },
    { dir: 0, payload: hex('05 01 00 01 c0 00 02 01 01 bb') }, { dir: 1, payload: hex('05 00 00 04 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01 01 bb') },
    { dir: 0, payload: hello },
  ], { transport: 'tcp', serverPort: 1080 });
  assert.equal(auth['protocol'], 'SOCKS');
  assert.equal((auth['tls'] as Record<string, unknown>)['sni'], 'tunnel.example');
  assert.ok(!JSON.stringify(auth).includes('secret'));
});

test('TLS through SOCKS4: request granted (CD 90) opens the tunnel; refusals and BIND do not', () => {
  const req = (cd: number) => cat(hex(`04 0${cd} 01 bb 00 00 00 01 00`), enc('tunnel.example'), hex('00'));
  const flow = (cd: number, answer: number) => identify([
    { dir: 0, payload: req(cd) }, { dir: 1, payload: hex(`00 ${answer.toString(16)} 00 00 00 00 00 00`) }, { dir: 0, payload: hello },
  ], { transport: 'tcp', serverPort: 1080 });
  const ok = flow(1, 90);
  assert.equal(ok['protocol'], 'SOCKS');
  assert.equal((ok['tls'] as Record<string, unknown>)['sni'], 'tunnel.example');
  assert.equal(flow(1, 91)['ja4'], null); // rejected
  assert.equal(flow(2, 90)['ja4'], null); // BIND: not a connection to a server
  assert.equal(flow(2, 90)['protocol'], 'SOCKS');
});

test('SOCKS5: a failed CONNECT, or a request that does not parse, is not followed into TLS', () => {
  const refused = identify([
    { dir: 0, payload: greeting5 }, { dir: 1, payload: hex('05 00') },
    { dir: 0, payload: connect5 }, { dir: 1, payload: hex('05 05 00 01 00 00 00 00 00 00') }, // REP 5 connection refused
    { dir: 0, payload: hello },
  ], { transport: 'tcp', serverPort: 1080 });
  assert.equal(refused['protocol'], 'SOCKS');
  assert.equal(refused['ja4'], null);
  const garbled = identify([
    { dir: 0, payload: greeting5 }, { dir: 1, payload: hex('05 00') },
    { dir: 0, payload: hex('05 01 00 07 01 02 03 04 00 50') }, { dir: 1, payload: granted5 }, // ATYP 7 unknown
    { dir: 0, payload: hello },
  ], { transport: 'tcp', serverPort: 1080 });
  assert.equal(garbled['protocol'], 'SOCKS');
  assert.equal(garbled['ja4'], null);
  fuzz(cat(greeting5, connect5), 'tcp', 1080);
});
