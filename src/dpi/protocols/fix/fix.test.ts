import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const logon = enc('8=FIX.4.4\x019=65\x0135=A\x0134=1\x0149=SENDER\x0152=20240101-00:00:00\x0156=TARGET\x0198=0\x01108=30\x0110=012\x01');

test('FIX logon names the flow; field values are not output', () => {
  const r = identify([{ dir: 0, payload: logon }], { transport: 'tcp', serverPort: 9878 });
  assert.equal(r['protocol'], 'FIX');
  assert.deepEqual(r['fix'], { version: 'FIX.4.4', message_type: 'Logon' });
  assert.ok(!JSON.stringify(r).includes('SENDER'));
});

test('FIX: "8=" without the header order is refused; fuzz', () => {
  assert.equal(identify([{ dir: 0, payload: '8=hello world\r\n' }], { transport: 'tcp', serverPort: 9878 })['fix'], null);
  fuzz(logon, 'tcp', 9878);
});
