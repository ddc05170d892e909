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
  void enc; void cat;
});
