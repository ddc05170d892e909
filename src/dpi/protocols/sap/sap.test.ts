import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const frame = (body: Uint8Array): Uint8Array => cat(hex((body.length >>> 0).toString(16).padStart(8, '0')), body);

const ping = frame(enc('NI_PING\0'));
const pong = frame(enc('NI_PONG\0'));
// a DIAG initialisation as the GUI sends it first: 8 bytes of DP header, then the DIAG header and items
const diag = frame(cat(hex('ff ff ff ff 0a 00 00 00'), hex('00 00 00 00 00 00 00 00'), hex('10 04 02 00 0c 00 00 00 00 00 00 00 00 00')));

test('SAP: NI_PING / NI_PONG name the flow on any port', () => {
  for (const serverPort of [3299, 45000]) {
    const r = identify([{ dir: 0, payload: ping }, { dir: 1, payload: pong }], { transport: 'tcp', serverPort });
    assert.equal(r['protocol'], 'SAP');
    assert.equal(r['confidence'], 'dpi');
  }
  const r = identify([{ dir: 1, payload: pong }], { transport: 'tcp', serverPort: 45000 });
  assert.equal(r['protocol'], 'SAP');
});

test("SAP: any exact NI frame names the flow on SAP's ports, from either side", () => {
  for (const serverPort of [3200, 3300, 3399, 3600, 3900]) {
    const r = identify([{ dir: 0, payload: diag }], { transport: 'tcp', serverPort });
    assert.equal(r['protocol'], 'SAP', `port ${serverPort}`);
    assert.equal(r['confidence'], 'dpi');
  }
  let r = identify([{ dir: 1, payload: frame(enc('server reply')) }], { transport: 'tcp', serverPort: 3201 });
  assert.equal(r['protocol'], 'SAP');
  // a frame split across segments
  r = identify([{ dir: 0, payload: diag.subarray(0, 9) }, { dir: 0, payload: diag.subarray(9) }], { transport: 'tcp', serverPort: 3200 });
  assert.equal(r['protocol'], 'SAP');
});

test('SAP: near misses are refused; fuzz', () => {
  // an ordinary frame off SAP's ports
  assert.ok(notByDpi(identify([{ dir: 0, payload: diag }], { transport: 'tcp', serverPort: 3400 }), 'SAP'));
  for (const [bad, serverPort] of [
    [frame(enc('NI_PANG\0')), 45000],
    [cat(hex('00 00 00 09'), enc('NI_PING\0')), 45000], // length off by one
    [cat(ping, hex('00')), 45000], // trailing byte
    [cat(hex('00 00 00 00')), 3200], // empty frame
    [cat(hex('00 00 00 10'), enc('short')), 3200], // ... cut, never completed
    [cat(diag, hex('00 00')), 3200], // more than one exact frame
    [cat(hex('01 00 00 00'), enc('NI_PING\0')), 3200],
  ] as const) {
    assert.ok(notByDpi(identify([{ dir: 0, payload: bad }], { transport: 'tcp', serverPort }), 'SAP'), `${serverPort}`);
  }
  fuzz(ping, 'tcp', 45000);
  fuzz(diag, 'tcp', 3200);
});
