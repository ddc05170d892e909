import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hexBytes as hex, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';
import { mutate, seededRandom } from '../../../test-support/prng.js';
import { classifyStream, headerValue, isSemiReliableUdp, isUdpMessage, StreamKind } from './parser.js';

// a Gnutella ping as a UDP datagram: 23-byte header, 5-byte payload
const PING = hex(`
  4a4a31028e07bce8ffb284e7c250ea03   # message GUID (16)
  00                                 # payload type: ping
  01 00                              # TTL 1, hops 0
  05000000                           # payload length 5 (little-endian)
  c382514b40                         # payload (GGEP block)
`);
// the semi-reliable UDP framing: tag "GND", flags, sequence, part 1 of 1, then the fragment
const GND = hex('474e44 10 3e8f 01 01 540b514b525006524e415d2fe2350970');

test('the 0.6 handshake names Gnutella and the servent software', () => {
  const r = identify([
    { dir: 0, payload: 'GNUTELLA CONNECT/0.6\r\nUser-Agent: LimeWire/5.5\r\nX-Ultrapeer: False\r\n\r\n' },
    { dir: 1, payload: 'GNUTELLA/0.6 200 OK\r\nUser-Agent: gtk-gnutella/1.2.2\r\n\r\n' },
  ], { transport: 'tcp', serverPort: 41000 });
  assert.equal(r['protocol'], 'Gnutella');
  assert.equal(r['confidence'], 'dpi');
  assert.equal(r['category'], 'P2P');
  assert.deepEqual(r['gnutella'], { user_agent: 'gtk-gnutella/1.2.2' });
});

test('a handshake split across segments is read once the prefix is there', () => {
  const r = identify([{ dir: 0, payload: 'GNUTE' }, { dir: 0, payload: 'LLA CONNECT/0.6\r\n\r\n' }], { transport: 'tcp', serverPort: 6346 });
  assert.equal(r['protocol'], 'Gnutella');
});

test('UDP: one whole Gnutella message, or the semi-reliable framing', () => {
  assert.equal(identify([{ dir: 0, payload: PING }], { transport: 'udp', serverPort: 30577 })['protocol'], 'Gnutella');
  assert.equal(identify([{ dir: 0, payload: GND }], { transport: 'udp', serverPort: 6346 })['protocol'], 'Gnutella');
  // the length field must account for the datagram exactly
  const bad = PING.slice(0, PING.length - 1);
  assert.equal(isUdpMessage(bad, 0, bad.length), false);
  const wrongType = Uint8Array.from(PING);
  wrongType[16] = 0x07;
  assert.equal(isUdpMessage(wrongType, 0, wrongType.length), false);
  assert.equal(isSemiReliableUdp(hex('474e44 10 3e8f 05 00'), 0, 8), false); // part 5 of 0
  assert.equal(isSemiReliableUdp(hex('474e44 10 3e8f 02 01 00'), 0, 9), false); // part 2 of 1
});

test('a Gnutella download over HTTP names the application only', () => {
  const r = identify([{ dir: 0, payload: 'GET /uri-res/N2R?urn:sha1:LXIP2A72T5H3BUQEXAMPLE HTTP/1.1\r\nHost: 192.0.2.1:6346\r\n\r\n' }], { transport: 'tcp', serverPort: 46906 });
  assert.equal(r['application'], 'Gnutella');
});

test('stream classification and header reading', () => {
  assert.equal(classifyStream(enc('GNU'), 0, 3), StreamKind.Unsure);
  assert.equal(classifyStream(enc('GIV 12:ABCDEF/file\n\n'), 0, 19), StreamKind.Handshake);
  assert.equal(classifyStream(enc('GET / HTTP/1.1\r\n'), 0, 16), StreamKind.No);
  const h = enc('GNUTELLA/0.6 200 OK\r\nuser-agent: X/1\r\n\r\nUser-Agent: late\r\n');
  assert.equal(headerValue(h, 0, h.length, 'User-Agent'), 'X/1');
  assert.equal(headerValue(h, 0, 20, 'User-Agent'), undefined);
});

test('other traffic is not Gnutella', () => {
  const r = identify([{ dir: 0, payload: 'GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n' }], { transport: 'tcp', serverPort: 8080 });
  assert.notEqual(r['protocol'], 'Gnutella');
  const u = identify([{ dir: 0, payload: new Uint8Array(40) }], { transport: 'udp', serverPort: 9999 });
  assert.notEqual(u['protocol'], 'Gnutella');
});

test('fuzz: mutated messages never throw', () => {
  const rnd = seededRandom(6346);
  const seeds = [PING, GND, enc('GNUTELLA CONNECT/0.6\r\nUser-Agent: a\r\n\r\n')];
  for (let k = 0; k < 3000; k++) {
    const m = mutate(seeds[k % seeds.length]!, rnd);
    isUdpMessage(m, 0, m.length);
    isSemiReliableUdp(m, 0, m.length);
    classifyStream(m, 0, m.length);
    headerValue(m, 0, m.length, 'User-Agent');
  }
  for (let k = 0; k < 100; k++) identify([{ dir: 0, payload: mutate(PING, rnd) }, { dir: 1, payload: mutate(GND, rnd) }], { transport: 'udp', serverPort: 6346 });
});
