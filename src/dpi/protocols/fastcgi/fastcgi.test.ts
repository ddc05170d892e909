import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const BEGIN = hex(`
  01          # version 1
  01          # type 1: FCGI_BEGIN_REQUEST
  00 01       # request id 1
  00 08       # content length 8
  00          # padding length
  00          # reserved
  00 01       # role 1: RESPONDER
  00          # flags: close the connection after the request
  00 00 00 00 00 # reserved
  01 04 00 01 00 00 00 00 # FCGI_PARAMS of request 1, empty
`);

test('FastCGI BEGIN_REQUEST names the flow', () => {
  const r = identify([{ dir: 0, payload: BEGIN }], { transport: 'tcp', serverPort: 9000 });
  assert.equal(r['protocol'], 'FastCGI');
  assert.deepEqual(r['fastcgi'], { role: 'responder' });
});

test('FastCGI refuses bad roles, request id 0 and wrong lengths', () => {
  for (const [i, v] of [[9, 4], [3, 0], [5, 9], [12, 1], [17, 12]] as const) {
    const m = Uint8Array.from(BEGIN);
    m[i] = v;
    assert.equal(identify([{ dir: 0, payload: m }], { transport: 'tcp', serverPort: 9000 })['fastcgi'], null, `byte ${i}`);
  }
  fuzz(BEGIN, 'tcp', 9000);
});

// FCGI_PARAMS with SCRIPT_NAME (must stay private) then HTTP_HOST, one-byte lengths
const pair = (n: string, v: string): Uint8Array => cat(Uint8Array.from([n.length, v.length]), enc(n), enc(v));
const params = (body: Uint8Array): Uint8Array => cat(hex(`01 04 0001 ${body.length.toString(16).padStart(4, '0')} 00 00`), body);
const BEGIN_ONLY = BEGIN.subarray(0, 16);

test("FastCGI: the HTTP_HOST parameter is the flow's host name, nothing else of the parameters is output", () => {
  const p = params(cat(pair('SCRIPT_NAME', '/private/index.php'), pair('HTTP_HOST', 'api.example.org')));
  const r = identify([{ dir: 0, payload: cat(BEGIN_ONLY, p) }], { transport: 'tcp', serverPort: 9000 });
  assert.equal(r['hostname'], 'api.example.org');
  assert.ok(!JSON.stringify(r).includes('private'));
  // parameters in a later segment
  const later = identify([{ dir: 0, payload: BEGIN_ONLY }, { dir: 0, payload: p }], { transport: 'tcp', serverPort: 9000 });
  assert.equal(later['hostname'], 'api.example.org');
  // a four-byte length (top bit set) is skipped correctly
  const long = cat(Uint8Array.from([4, 0x80, 0, 0, 3]), enc('PATHabc'), pair('HTTP_HOST', 'h.example'));
  assert.equal(identify([{ dir: 0, payload: cat(BEGIN_ONLY, params(long)) }], { transport: 'tcp', serverPort: 9000 })['hostname'], 'h.example');
});
