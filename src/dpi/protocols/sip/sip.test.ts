import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';
import { mutate, seededRandom } from '../../../test-support/prng.js';
import { header, readStart } from './parser.js';

const OPTIONS = 'OPTIONS sip:192.0.2.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.2:5060;branch=z9hG4bK1\r\nFrom: <sip:a@192.0.2.2>;tag=1\r\nTo: <sip:192.0.2.1>\r\nCall-ID: 1@192.0.2.2\r\nCSeq: 1 OPTIONS\r\nUser-Agent: TestPhone 2.1\r\nContent-Length: 0\r\n\r\n';

test('a request names SIP, with method and user agent (and nothing about the parties)', () => {
  const r = identify([{ dir: 0, payload: OPTIONS }, { dir: 1, payload: 'SIP/2.0 200 OK\r\nServer: PBX 1\r\n\r\n' }], { transport: 'udp', serverPort: 5060 });
  assert.equal(r['protocol'], 'SIP');
  assert.equal(r['category'], 'VoIP');
  assert.deepEqual(r['sip'], { method: 'OPTIONS', user_agent: 'TestPhone 2.1' });
});

test('a response first, over TCP on another port', () => {
  const r = identify([{ dir: 1, payload: 'SIP/2.0 100 Trying\r\nServer: PBX 1\r\n\r\n' }], { transport: 'tcp', serverPort: 15060 });
  assert.equal(r['protocol'], 'SIP');
  assert.deepEqual(r['sip'], { user_agent: 'PBX 1' });
});

test('start lines that are not SIP', () => {
  assert.equal(readStart(enc('OPTIONS * HTTP/1.1\r\n'), 0, 20), null);
  assert.equal(readStart(enc('SIP/2.0 999 Odd\r\n'), 0, 17), null);
  assert.equal(readStart(enc('INVITE sip:x SIP/2.0'), 0, 20), null); // line not ended
  const h = enc(OPTIONS);
  assert.equal(header(h, 0, h.length, 'cseq'), '1 OPTIONS');
});

test('fuzz: mutated messages never throw', () => {
  const rnd = seededRandom(5060);
  const seed = enc(OPTIONS);
  for (let k = 0; k < 3000; k++) {
    const m = mutate(seed, rnd);
    readStart(m, 0, m.length);
    header(m, 0, m.length, 'User-Agent');
  }
});
