import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

test('VNC: RFB versions of both ends', () => {
  const r = identify([{ dir: 1, payload: 'RFB 003.008\n' }, { dir: 0, payload: 'RFB 003.008\n' }], { transport: 'tcp', serverPort: 5900 });
  assert.equal(r['protocol'], 'VNC');
  assert.deepEqual(r['vnc'], { server_version: '3.8', client_version: '3.8' });
  assert.deepEqual(r['risks'], ['desktop_or_file_sharing']);
});

test('VNC: malformed version refused; fuzz', () => {
  assert.equal(identify([{ dir: 1, payload: 'RFB 3.8\n' }], { transport: 'tcp', serverPort: 5901 })['vnc'], null);
  fuzz(enc('RFB 003.008\n'), 'tcp', 5900, 1);
});
