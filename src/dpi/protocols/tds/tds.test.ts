import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';

const prelogin = hex(`
  12 01 00 2f 00 00 01 00   # PRELOGIN, EOM, length 47, spid 0, packet 1, window 0
  00 00 1a 00 06            # VERSION at 26, 6 bytes
  01 00 20 00 01            # ENCRYPTION at 32, 1 byte
  02 00 21 00 01            # INSTOPT
  03 00 22 00 04            # THREADID
  04 00 26 00 01            # MARS
  ff                        # terminator
  0f 00 07 d0 00 00  00  00  00 00 00 00  00
`);

test('TDS PRELOGIN option table', () => {
  const r = identify([{ dir: 0, payload: prelogin }], { transport: 'tcp', serverPort: 1433 });
  assert.equal(r['protocol'], 'MsSQL-TDS');
  assert.deepEqual(r['tds'], { first_message: 'PRELOGIN' });
});

test('TDS: option offsets outside the packet refused; fuzz', () => {
  const bad = Uint8Array.from(prelogin);
  bad[10] = 0xff;
  assert.equal(identify([{ dir: 0, payload: bad }], { transport: 'tcp', serverPort: 14330 })['tds'], null);
  fuzz(prelogin, 'tcp', 1433);
});
