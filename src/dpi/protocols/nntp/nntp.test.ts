import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Exchange, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';

// Sessions built after the examples of RFC 3977 §5 and §6, RFC 4643 §2.3 and RFC 4642 §2.2.

const opts = { transport: 'tcp' as const, serverPort: 119 };

const INN = '200 news.example.com InterNetNews NNRP server INN 2.6 ready (posting ok)\r\n';
const CAPS = '101 Capability list:\r\nVERSION 2\r\nREADER\r\nIHAVE\r\nSTARTTLS\r\nAUTHINFO USER\r\nIMPLEMENTATION INN 2.6.4\r\n.\r\n';

test('NNTP: a 200 greeting, CAPABILITIES and MODE READER; the session is named on the greeting', () => {
  const r = identify([
    { dir: 1, payload: INN },
    { dir: 0, payload: 'CAPABILITIES\r\n' },
    { dir: 1, payload: CAPS },
    { dir: 0, payload: 'MODE READER\r\n' },
    { dir: 1, payload: '200 Reader mode, posting permitted\r\n' },
    { dir: 0, payload: 'GROUP misc.test\r\n' },
    { dir: 1, payload: '211 1234 3000234 3002322 misc.test\r\n' },
  ], opts);
  assert.equal(r['protocol'], 'NNTP');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['nntp'], { posting_allowed: true, version: 2, implementation: 'INN 2.6.4' });
  assert.ok(!JSON.stringify(r).includes('misc.test'));
});

test('NNTP: a 201 greeting without news words is confirmed by the first command', () => {
  const r = identify([
    { dir: 1, payload: '201 server ready, no posting\r\n' },
    { dir: 0, payload: 'DATE\r\n' },
    { dir: 1, payload: '111 20240101120000\r\n' },
  ], opts);
  assert.equal(r['protocol'], 'NNTP');
  assert.equal((r['nntp'] as Record<string, unknown>)['posting_allowed'], false);
  // 400 and 502 refuse service, yet are still NNTP when the text says so
  assert.equal(identify([{ dir: 1, payload: '400 NNTP service temporarily unavailable\r\n' }], { transport: 'tcp', serverPort: 11900 })['protocol'], 'NNTP');
  assert.equal(identify([{ dir: 1, payload: '502 Access to news denied\r\n' }], { transport: 'tcp', serverPort: 11900 })['protocol'], 'NNTP');
});

test('NNTP: AUTHINFO USER/PASS without TLS is clear_text_credentials; no user name is kept', () => {
  const r = identify([
    { dir: 1, payload: INN },
    { dir: 0, payload: 'AUTHINFO USER wilma\r\n' },
    { dir: 1, payload: '381 Enter passphrase\r\n' },
    { dir: 0, payload: 'AUTHINFO PASS flintstone\r\n' },
    { dir: 1, payload: '281 Authentication accepted\r\n' },
  ], opts);
  assert.equal(r['protocol'], 'NNTP');
  assert.deepEqual(r['risks'], ['clear_text_credentials']);
  const text = JSON.stringify(r);
  assert.ok(!text.includes('wilma') && !text.includes('flintstone'));
  // AUTHINFO SASL PLAIN with an initial response is a password in the clear too
  const sasl = identify([{ dir: 1, payload: INN }, { dir: 0, payload: 'AUTHINFO SASL PLAIN AHRlc3QAMTIzNA==\r\n' }], opts);
  assert.deepEqual(sasl['risks'], ['clear_text_credentials']);
  // a user name alone is no password
  assert.deepEqual(identify([{ dir: 1, payload: INN }, { dir: 0, payload: 'AUTHINFO USER wilma\r\n' }], opts)['risks'], []);
});

test('NNTP: STARTTLS answered by 382 hands over to TLS; no credential risk after it', () => {
  const r = identify([
    { dir: 1, payload: INN },
    { dir: 0, payload: 'STARTTLS\r\n' },
    { dir: 1, payload: '382 Continue with TLS negotiation\r\n' },
    { dir: 0, payload: hex('16 03 01 00 2f 01 00 00 2b 03 03') },
  ], opts);
  assert.equal(r['protocol'], 'NNTP');
  assert.equal((r['nntp'] as Record<string, unknown>)['starttls'], true);
  assert.deepEqual(r['risks'], []);
  // refused (580): no upgrade
  const refused = identify([
    { dir: 1, payload: INN },
    { dir: 0, payload: 'STARTTLS\r\n' },
    { dir: 1, payload: '580 Can not initiate TLS negotiation\r\n' },
  ], opts);
  assert.equal((refused['nntp'] as Record<string, unknown>)['starttls'], undefined);
});

test('NNTP: the client side only (the greeting was missed), decided by NNTP-only commands', () => {
  for (const line of ['CAPABILITIES', 'MODE READER', 'mode reader', 'GROUP comp.lang.c', 'LIST ACTIVE', 'LIST NEWSGROUPS', 'XOVER 1-100', 'HEAD <45223423@example.com>', 'BODY 3000237', 'ARTICLE', 'LISTGROUP', 'AUTHINFO USER x', 'NEWGROUPS 20240101 000000']) {
    const r = identify([{ dir: 0, payload: `${line}\r\n` }], { transport: 'tcp', serverPort: 11999 });
    assert.equal(r['protocol'], 'NNTP', line);
    assert.equal(r['confidence'], 'dpi', line);
  }
  // the capability list alone (the server side of a capture that started at CAPABILITIES)
  const caps = identify([{ dir: 1, payload: CAPS }], { transport: 'tcp', serverPort: 11999 });
  assert.equal(caps['protocol'], 'NNTP');
  assert.deepEqual(caps['nntp'], { version: 2, implementation: 'INN 2.6.4' });
});

/** `msg` in pieces of `size` bytes, at most `max` of them, then the rest in one */
const pieces = (msg: Uint8Array, dir: 0 | 1, size: number, max: number): Exchange[] => {
  const parts: Exchange[] = [];
  let i = 0;
  for (; i < msg.length && parts.length < max; i += size) parts.push({ dir, payload: msg.subarray(i, i + size) });
  if (i < msg.length) parts.push({ dir, payload: msg.subarray(i) });
  return parts;
};

test('NNTP: the greeting, a command and the capability list split in 1-byte and 3-byte pieces', () => {
  // the inspection budget is 12 packets: a few small pieces, then the rest
  for (const size of [1, 3]) {
    const r = identify(pieces(utf8(INN), 1, size, 10), opts);
    assert.equal(r['protocol'], 'NNTP', `greeting, size ${size}`);
    assert.equal((r['nntp'] as Record<string, unknown>)['posting_allowed'], true);
    const c = identify(pieces(utf8('MODE READER\r\n'), 0, size, 10), { transport: 'tcp', serverPort: 11999 });
    assert.equal(c['protocol'], 'NNTP', `command, size ${size}`);
    const caps = identify(pieces(utf8(CAPS), 1, size, 10), { transport: 'tcp', serverPort: 11999 });
    assert.deepEqual(caps['nntp'], { version: 2, implementation: 'INN 2.6.4' }, `capabilities, size ${size}`);
  }
  // a greeting without news words, the command in two pieces
  const r2 = identify([{ dir: 1, payload: '201 ready\r\n' }, { dir: 0, payload: 'CAPA' }, { dir: 0, payload: 'BILITIES\r\n' }, { dir: 1, payload: CAPS }], opts);
  assert.deepEqual(r2['nntp'], { posting_allowed: false, version: 2, implementation: 'INN 2.6.4' });
});

test('NNTP: other protocols and look-alikes are not NNTP', () => {
  const cases: Exchange[][] = [
    [{ dir: 0, payload: 'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n' }],
    [{ dir: 0, payload: 'HEAD /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n' }],
    [{ dir: 0, payload: 'POST /submit HTTP/1.1\r\nHost: example.com\r\nContent-Length: 0\r\n\r\n' }],
    [{ dir: 0, payload: hex('16 03 01 00 2f 01 00 00 2b 03 03') }],
    [{ dir: 0, payload: 'SSH-2.0-OpenSSH_9.6\r\n' }],
    [{ dir: 1, payload: 'SSH-2.0-OpenSSH_9.6\r\n' }],
    [{ dir: 0, payload: hex('a3 17 5c 90 01 fe 42 6b 00 d9 3e 77 10 2c') }],
    // FTP: 220 greeting, USER/PASS, LIST with a path, MODE with a letter
    [{ dir: 1, payload: '220 ProFTPD Server ready.\r\n' }, { dir: 0, payload: 'USER anonymous\r\n' }],
    [{ dir: 0, payload: 'LIST /pub\r\n' }, { dir: 0, payload: 'MODE S\r\n' }],
    // SMTP, POP3
    [{ dir: 1, payload: '220 mail.example.com ESMTP Postfix\r\n' }, { dir: 0, payload: 'EHLO client\r\n' }],
    [{ dir: 1, payload: '+OK POP3 ready\r\n' }, { dir: 0, payload: 'STAT\r\n' }],
    [{ dir: 0, payload: 'STAT\r\n' }, { dir: 0, payload: 'QUIT\r\n' }],
    // a 200 greeting of something else, then no NNTP command
    [{ dir: 1, payload: '200 OK\r\n' }, { dir: 0, payload: 'hello there\r\n' }],
    [{ dir: 1, payload: '200 OK\r\n' }],
    // a greeting in the right form that names another service
    [{ dir: 1, payload: '200 FTP server ready (posting)\r\n' }],
    // a capability list whose first line is not VERSION
    [{ dir: 1, payload: '101 Capability list:\r\nREADER\r\n.\r\n' }],
    // truncated: a code without the end of line
    [{ dir: 1, payload: '20' }],
    // binary after a plausible code
    [{ dir: 1, payload: hex('32 30 30 20 00 ff 10 0d 0a') }],
  ];
  for (const [i, c] of cases.entries()) assert.ok(notByDpi(identify(c, { transport: 'tcp', serverPort: 11999 }), 'NNTP'), `case ${i}`);
});

test('NNTP: fuzzed first payloads', () => {
  fuzz(utf8(INN), 'tcp', 119, 1);
  fuzz(utf8('CAPABILITIES\r\n'), 'tcp', 119, 0, 80);
  fuzz(utf8(CAPS), 'tcp', 119, 1, 80);
});
