import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

test('POP3: +OK greeting, USER/PASS is a clear-text credential risk (password never output)', () => {
  const r = identify([
    { dir: 1, payload: '+OK Dovecot ready.\r\n' },
    { dir: 0, payload: 'USER bob\r\n' },
    { dir: 1, payload: '+OK\r\n' },
    { dir: 0, payload: 'PASS hunter2\r\n' },
  ], { transport: 'tcp', serverPort: 110 });
  assert.equal(r['protocol'], 'POP3');
  assert.deepEqual(r['risks'], ['clear_text_credentials']);
  assert.ok(!JSON.stringify(r).includes('hunter2'));
});

test('POP3 STLS upgrades to POPS', () => {
  const r = identify([
    { dir: 1, payload: '+OK POP3 ready\r\n' },
    { dir: 0, payload: 'STLS\r\n' },
    { dir: 1, payload: '+OK Begin TLS negotiation\r\n' },
  ], { transport: 'tcp', serverPort: 110 });
  assert.equal(r['protocol'], 'POP3S'); // nDPI calls it POPS
  assert.deepEqual(r['pop3'], { greeting: 'POP3 ready', starttls: true });
});

test('POP3: not +OK is not POP3; fuzz', () => {
  const r = identify([{ dir: 1, payload: '-ERR nope\r\n' }], { transport: 'tcp', serverPort: 1100 });
  assert.equal(r['pop3'], null);
  fuzz(enc('+OK ready\r\n'), 'tcp', 110, 1);
});
