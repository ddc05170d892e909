import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

test('IMAP: * OK greeting, tagged LOGIN is a risk; STARTTLS upgrades to IMAPS', () => {
  const r = identify([
    { dir: 1, payload: '* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n' },
    { dir: 0, payload: 'a1 CAPABILITY\r\n' },
    { dir: 1, payload: '* CAPABILITY IMAP4rev1 STARTTLS\r\na1 OK done\r\n' },
    { dir: 0, payload: 'a2 STARTTLS\r\n' },
    { dir: 1, payload: 'a2 OK Begin TLS\r\n' },
  ], { transport: 'tcp', serverPort: 143 });
  assert.equal(r['protocol'], 'IMAPS');
  const r2 = identify([
    { dir: 1, payload: '* OK ready\r\n' },
    { dir: 0, payload: 'x LOGIN bob secret\r\n' },
  ], { transport: 'tcp', serverPort: 143 });
  assert.equal(r2['protocol'], 'IMAP');
  assert.deepEqual(r2['risks'], ['clear_text_credentials']);
  assert.ok(!JSON.stringify(r2).includes('secret'));
});

test('IMAP: a non-IMAP greeting is refused; fuzz', () => {
  const r = identify([{ dir: 1, payload: '* HELLO there\r\n' }], { transport: 'tcp', serverPort: 1430 });
  assert.equal(r['imap'], null);
  fuzz(enc('* OK IMAP ready\r\n'), 'tcp', 143, 1);
});
