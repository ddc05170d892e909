import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';

const smb2 = cat(hex(`
  00 00 00 48   # NetBIOS session message, length 72
  fe 53 4d 42   # SMB2 protocol id
  40 00         # structure size 64
`), new Uint8Array(66));
const smb1 = cat(hex(`
  00 00 00 2f   # session message, length 47
  ff 53 4d 42   # SMB1
  72            # NEGOTIATE
`), new Uint8Array(42));

test('SMB2 and SMB1 after the NetBIOS session header', () => {
  assert.equal(identify([{ dir: 0, payload: smb2 }], { transport: 'tcp', serverPort: 445 })['protocol'], 'SMBv2');
  const r = identify([{ dir: 0, payload: smb1 }], { transport: 'tcp', serverPort: 445 });
  assert.equal(r['protocol'], 'SMBv1');
  assert.deepEqual(r['smb'], { dialect: 'SMB1', command: 'NEGOTIATE' });
});

test('SMB: wrong magic refused; fuzz', () => {
  const bad = Uint8Array.from(smb2);
  bad[5] = 0x54;
  assert.equal(identify([{ dir: 0, payload: bad }], { transport: 'tcp', serverPort: 4450 })['smb'], null);
  fuzz(smb2, 'tcp', 445);
});
