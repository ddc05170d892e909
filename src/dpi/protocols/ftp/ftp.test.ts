import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

test('FTP: greeting and USER name the flow; PASS raises the risk without storing it', () => {
  const r = identify([
    { dir: 1, payload: '220 (vsFTPd 3.0.3)\r\n' },
    { dir: 0, payload: 'USER alice\r\n' },
    { dir: 1, payload: '331 Please specify the password.\r\n' },
    { dir: 0, payload: 'PASS s3cret\r\n' },
  ], { transport: 'tcp', serverPort: 21 });
  assert.equal(r['protocol'], 'FTP');
  assert.deepEqual(r['risks'], ['clear_text_credentials']);
  assert.ok(!JSON.stringify(r).includes('s3cret'));
});

test('FTP AUTH TLS answered 234 is FTPS; fuzz', () => {
  const r = identify([
    { dir: 1, payload: '220 FTP server\r\n' },
    { dir: 0, payload: 'AUTH TLS\r\n' },
    { dir: 1, payload: '234 Proceed with negotiation.\r\n' },
  ], { transport: 'tcp', serverPort: 21 });
  assert.equal(r['protocol'], 'FTPS');
  fuzz(enc('220 FTP ready\r\n'), 'tcp', 21, 1);
});
