import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const cr = cat(hex(`
  03 00 00 33   # TPKT version 3, length 51
  2e e0         # X.224 LI 46, Connection Request
  00 00 00 00 00   # dst-ref, src-ref, class 0
`), enc('Cookie: mstshash=administrator\r\n'), hex(`
  01 00 08 00 03 00 00 00   # RDP_NEG_REQ: TLS | CredSSP
`));
const cc = hex(`
  03 00 00 13 0e d0 00 00 12 34 00
  02 00 08 00 02 00 00 00   # RDP_NEG_RSP: CredSSP
`);

test('RDP connection request and confirm; the user cookie is never output', () => {
  const r = identify([{ dir: 0, payload: cr }, { dir: 1, payload: cc }], { transport: 'tcp', serverPort: 3389 });
  assert.equal(r['protocol'], 'RDP');
  assert.deepEqual(r['rdp'], { requested_protocols: 'ssl,hybrid', selected_protocol: 'hybrid' });
  assert.deepEqual(r['risks'], ['desktop_or_file_sharing']);
  assert.ok(!JSON.stringify(r).includes('administrator'));
});

test('RDP: X.224 with TSAP parameters (S7, other ISO users) is not RDP; fuzz', () => {
  const s7 = hex('03 00 00 16 11 e0 00 00 00 01 00 c1 02 01 00 c2 02 01 02 c0 01 0a');
  assert.equal(identify([{ dir: 0, payload: s7 }], { transport: 'tcp', serverPort: 102 })['rdp'], null);
  fuzz(cr, 'tcp', 3389);
});
