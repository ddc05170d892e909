import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';
import { alpnExt, clientHelloBody, handshake, record, sniExt } from '../../../test-support/tls-hello.js';

test('SMTP: greeting and EHLO name the flow; STARTTLS makes it SMTPS', () => {
  const r = identify([
    { dir: 1, payload: '220 mx.example.org ESMTP Postfix\r\n' },
    { dir: 0, payload: 'EHLO client.example.net\r\n' },
    { dir: 1, payload: '250-mx.example.org\r\n250-STARTTLS\r\n250 8BITMIME\r\n' },
    { dir: 0, payload: 'STARTTLS\r\n' },
    { dir: 1, payload: '220 2.0.0 Ready to start TLS\r\n' },
  ], { transport: 'tcp', serverPort: 25 });
  assert.equal(r['protocol'], 'SMTPS');
  assert.deepEqual(r['smtp'], { greeting: 'mx.example.org ESMTP Postfix', starttls: true });
});

test('SMTP AUTH PLAIN in the clear is a risk; addresses are not output', () => {
  const r = identify([
    { dir: 1, payload: '220 host ready\r\n' },
    { dir: 0, payload: 'EHLO me\r\n' },
    { dir: 1, payload: '250 AUTH PLAIN LOGIN\r\n' },
    { dir: 0, payload: 'AUTH PLAIN AHVzZXIAcGFzcw==\r\n' },
    { dir: 0, payload: 'MAIL FROM:<alice@example.org>\r\n' },
  ], { transport: 'tcp', serverPort: 587 });
  assert.equal(r['protocol'], 'SMTP');
  assert.deepEqual(r['risks'], ['clear_text_credentials']);
  assert.ok(!JSON.stringify(r).includes('alice'));
  assert.ok(!JSON.stringify(r).includes('AHVzZX'));
});

test('an FTP greeting is not SMTP; hostile input does not throw', () => {
  const r = identify([{ dir: 1, payload: '220 ProFTPD Server\r\n' }, { dir: 0, payload: 'USER anonymous\r\n' }], { transport: 'tcp', serverPort: 2121 });
  assert.notEqual(r['protocol'], 'SMTP');
  fuzz(enc('220 mx ESMTP\r\n'), 'tcp', 25, 1);
});

test('after STARTTLS the TLS dissector takes over: server name and JA4 from the ClientHello, the name stays SMTPS', () => {
  const hello = record(0x16, handshake(0x01, clientHelloBody({ ciphers: [0xc02f, 0x009c], extensions: [sniExt('mx.example.org'), alpnExt(['smtp'])] })));
  const r = identify([
    { dir: 1, payload: '220 mx.example.org ESMTP Postfix\r\n' },
    { dir: 0, payload: 'EHLO client.example.net\r\n' },
    { dir: 1, payload: '250-mx.example.org\r\n250 STARTTLS\r\n' },
    { dir: 0, payload: 'STARTTLS\r\n' },
    { dir: 1, payload: '220 2.0.0 Ready to start TLS\r\n' },
    { dir: 0, payload: Uint8Array.from(hello) },
  ], { transport: 'tcp', serverPort: 25 });
  assert.equal(r['protocol'], 'SMTPS');
  assert.equal(r['hostname'], 'mx.example.org');
  assert.match(r['ja4'] as string, /^t12d0202sp_/);
  assert.deepEqual((r['tls'] as Record<string, unknown>)['sni'], 'mx.example.org');
});

test("SMTP: the server's name in its greeting is the flow's host name", () => {
  const r = identify([{ dir: 1, payload: '220 MX.Example.org ESMTP Postfix\r\n' }, { dir: 0, payload: 'EHLO client\r\n' }], { transport: 'tcp', serverPort: 25 });
  assert.equal(r['hostname'], 'mx.example.org');
  const literal = identify([{ dir: 1, payload: '220 [192.0.2.1] ESMTP ready\r\n' }, { dir: 0, payload: 'EHLO client\r\n' }], { transport: 'tcp', serverPort: 25 });
  assert.equal(literal['hostname'], null);
});
