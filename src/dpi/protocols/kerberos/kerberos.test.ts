import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';

// KRB-ERROR: [APPLICATION 30] SEQUENCE { [0] pvno 5, [1] msg-type 30, [4] stime, [5] susec, [6] error-code, [9] realm }
const krbError = hex(`
  7e 3c 30 3a
  a0 03 02 01 05              # pvno 5
  a1 03 02 01 1e              # msg-type 30
  a4 11 18 0f 32 30 32 34 30 31 30 31 30 30 30 30 30 30 5a   # stime
  a5 03 02 01 00              # susec
  a6 03 02 01 19              # error-code 25 (preauth required)
  a9 0d 1b 0b 45 58 41 4d 50 4c 45 2e 43 4f 4d               # realm "EXAMPLE.COM"
`);

test('Kerberos KRB-ERROR over UDP: message type and realm', () => {
  const r = identify([{ dir: 1, payload: krbError }], { transport: 'udp', serverPort: 88, clientPort: 50000 });
  assert.equal(r['protocol'], 'Kerberos');
  assert.deepEqual(r['kerberos'], { message_type: 'KRB-ERROR', realm: 'EXAMPLE.COM' });
});

test('Kerberos over TCP has a length prefix; wrong pvno refused; fuzz', () => {
  const tcpMsg = cat(hex(`00 00 00 ${krbError.length.toString(16)}`), krbError);
  assert.equal(identify([{ dir: 0, payload: tcpMsg }], { transport: 'tcp', serverPort: 88 })['protocol'], 'Kerberos');
  const bad = Uint8Array.from(krbError);
  bad[8] = 4;
  assert.equal(identify([{ dir: 0, payload: bad }], { transport: 'udp', serverPort: 8888 })['kerberos'], null);
  fuzz(krbError, 'udp', 88);
});
