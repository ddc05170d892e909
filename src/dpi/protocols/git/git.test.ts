import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const req = enc('0032git-upload-pack /project.git\0host=myserver.com\0');

test('Git pkt-line request', () => {
  const r = identify([{ dir: 0, payload: req }], { transport: 'tcp', serverPort: 9418 });
  assert.equal(r['protocol'], 'Git');
  assert.deepEqual(r['git'], { service: 'git-upload-pack', host: 'myserver.com' });
});

test('Git: other pkt-lines refused; fuzz', () => {
  assert.equal(identify([{ dir: 0, payload: '0032git-something-else /project.git\0host=x\0\0\0\0' }], { transport: 'tcp', serverPort: 9419 })['git'], null);
  fuzz(req, 'tcp', 9418);
});
