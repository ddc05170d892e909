import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const FORWARD = cat(hex(`
  12 34      # to the container
  00 18      # data length 24
  02         # prefix code 2: Forward Request
  02         # method 2: GET
  00 08      # protocol string length 8
`), enc('HTTP/1.1'), hex(`
  00         # NUL
  00 01 2f 00 # req_uri "/" (length, string, NUL)
  00 00 ff 00 00 00 00 00 00 # (remote address, … elided)
`));

test('AJP13: a Forward Request names the flow', () => {
  const r = identify([{ dir: 0, payload: FORWARD }], { transport: 'tcp', serverPort: 8009 });
  assert.equal(r['protocol'], 'AJP');
  assert.deepEqual(r['ajp'], { first_packet: 'forward_request' });
});

test('AJP13: CPing needs the CPong back', () => {
  const cping = hex('12 34 00 01 0a'); // to the container, length 1, CPing
  const cpong = hex('41 42 00 01 09'); // 'AB', length 1, CPong Reply
  const r = identify([{ dir: 0, payload: cping }, { dir: 1, payload: cpong }], { transport: 'tcp', serverPort: 8010 });
  assert.equal(r['protocol'], 'AJP');
  assert.notEqual(identify([{ dir: 0, payload: cping }], { transport: 'tcp', serverPort: 8009 })['confidence'], 'dpi'); // a port guess only
});

test('AJP13 refuses wrong prefix codes and protocol strings', () => {
  assert.equal(identify([{ dir: 0, payload: hex('12 34 00 01 04') }, { dir: 1, payload: hex('41 42 00 01 09') }], { transport: 'tcp', serverPort: 8009 })['ajp'], null);
  const bad = Uint8Array.from(FORWARD);
  bad[8] = 0x58; // 'XTTP/1.1'
  assert.equal(identify([{ dir: 0, payload: bad }], { transport: 'tcp', serverPort: 8009 })['ajp'], null);
  fuzz(FORWARD, 'tcp', 8009);
});
