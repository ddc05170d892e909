import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';

// "FRED" padded with spaces, suffix 0x00, in first-level encoding
const FRED = '20 45 47 46 43 45 46 45 45 43 41 43 41 43 41 43 41 43 41 43 41 43 41 43 41 43 41 43 41 43 41 41 41 00';

const query = hex(`
  12 34         # transaction id
  01 10         # flags: query, recursion desired, broadcast
  00 01 00 00 00 00 00 00   # 1 question
  ${FRED}       # name FRED<00>
  00 20 00 01   # type NB, class IN
`);

test('NetBIOS name query: decoded name', () => {
  const r = identify([{ dir: 0, payload: query }], { transport: 'udp', serverPort: 137 });
  assert.equal(r['protocol'], 'NetBIOS');
  assert.deepEqual(r['netbios'], { service: 'name', name: 'FRED' });
});

test('NetBIOS datagram carrying SMB is SMBv1', () => {
  const dgm = hex(`
    11 02 00 01   # DIRECT_GROUP, flags, id
    c0 a8 01 02   # source ip
    00 8a         # source port 138
    00 80 00 00   # datagram length, offset
    ${FRED} ${FRED}
    ff 53 4d 42 25 00 00 00   # SMB1 TRANSACTION (browser)
  `);
  const r = identify([{ dir: 0, payload: dgm }], { transport: 'udp', serverPort: 138 });
  assert.equal(r['protocol'], 'SMBv1');
});

test('NetBIOS session request over TCP 139', () => {
  const req = cat(hex('81 00 00 44'), hex(FRED), hex(FRED));
  const r = identify([{ dir: 0, payload: req }, { dir: 1, payload: hex('82 00 00 00') }], { transport: 'tcp', serverPort: 139 });
  assert.equal(r['protocol'], 'NetBIOS');
});

test('NetBIOS: a name with bad letters is refused; fuzz', () => {
  const bad = Uint8Array.from(query);
  bad[14] = 0x5a;
  assert.equal(identify([{ dir: 0, payload: bad }], { transport: 'udp', serverPort: 1370 })['netbios'], null);
  fuzz(query, 'udp', 137);
});
