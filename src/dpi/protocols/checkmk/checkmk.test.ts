import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, identify, notByDpi, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const REPORT = enc('<<<check_mk>>>\nVersion: 2.2.0\nAgentOS: linux\n');
const BAD = enc('<<<other>>>\n');

test('CHECKMK: agent report', () => {
  const r = identify([{ dir: 1, payload: REPORT }], { transport: 'tcp', serverPort: 6556 });
  assert.equal(r['protocol'], 'CHECKMK');
  assert.equal(r['confidence'], 'dpi');
});

test('CHECKMK: another first section refused; fuzz', () => {
  const r = identify([{ dir: 1, payload: BAD }], { transport: 'tcp', serverPort: 6556 });
  assert.ok(notByDpi(r, 'CHECKMK'));
  fuzz(REPORT, 'tcp', 6556, 1);
});
