import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 as enc, type Exchange } from '../../../test-support/dpi-test-kit.js';

const tcp6667 = { transport: 'tcp', serverPort: 6667 } as const;
const tcpOther = { transport: 'tcp', serverPort: 46667 } as const;
const isIrc = (r: Record<string, unknown>): boolean => r['protocol'] === 'IRC' && r['confidence'] === 'dpi';

test('IRC: RFC 2812 registration (NICK, USER) then the 001 welcome; nothing personal is output', () => {
  const r = identify([
    { dir: 0, payload: 'NICK alice\r\nUSER alice 0 * :Alice Liddell\r\n' },
    { dir: 1, payload: ':irc.example.net 001 alice :Welcome to the Example IRC Network alice!alice@host\r\n' },
  ], tcpOther);
  assert.ok(isIrc(r));
  assert.ok(!JSON.stringify(r).toLowerCase().includes('alice'));
  assert.equal(r['irc'], undefined); // no per-protocol fields at all
});

test('IRC: IRCv3 capability negotiation first (CAP LS 302), then the server CAP reply', () => {
  assert.ok(isIrc(identify([{ dir: 0, payload: 'CAP LS 302\r\n' }], tcpOther)));
  assert.ok(isIrc(identify([{ dir: 0, payload: 'CAP LS\r\nNICK bob\r\nUSER bob 0 * :Bob\r\n' }], tcpOther)));
  assert.ok(isIrc(identify([
    { dir: 0, payload: 'CAP LS 302\r\n' },
    { dir: 1, payload: ':irc.example.net CAP * LS :multi-prefix sasl=PLAIN,EXTERNAL server-time\r\n' },
    { dir: 0, payload: 'CAP REQ :sasl\r\n' },
  ], tcpOther)));
  assert.ok(isIrc(identify([{ dir: 0, payload: 'CAP REQ :multi-prefix sasl\r\n' }], tcpOther)));
});

test('IRC: PASS then NICK then USER (RFC 1459 order, RFC 1459 USER form), bare LF line ends', () => {
  assert.ok(isIrc(identify([{ dir: 0, payload: 'PASS s3cret\nNICK carol\nUSER carol carolhost irc.example.net :Carol\n' }], tcpOther)));
  // NICK and PASS alone are weak: two of them together are enough
  assert.ok(isIrc(identify([{ dir: 0, payload: 'PASS s3cret\r\n' }, { dir: 0, payload: 'NICK carol\r\n' }], tcpOther)));
  // one weak line alone is not
  assert.equal(identify([{ dir: 0, payload: 'NICK carol\r\n' }], tcpOther)['protocol'], null);
});

test('IRC: WEBIRC gateway line (ircv3.net)', () => {
  assert.ok(isIrc(identify([{ dir: 0, payload: 'WEBIRC gatewaypw cgiirc gateway.example 192.0.2.5\r\n' }], tcpOther)));
});

test('IRC: the server speaks first (hostname lookup NOTICE, old NOTICE AUTH form, numeric 020)', () => {
  assert.ok(isIrc(identify([
    { dir: 1, payload: ':irc.example.net NOTICE * :*** Looking up your hostname...\r\n' },
    { dir: 0, payload: 'NICK dave\r\nUSER dave 0 * :Dave\r\n' },
  ], tcpOther)));
  assert.ok(isIrc(identify([{ dir: 1, payload: 'NOTICE AUTH :*** Looking up your hostname...\r\n' }], tcpOther)));
  assert.ok(isIrc(identify([{ dir: 1, payload: ':irc.example.net 020 * :Please wait while we process your connection.\r\n' }], tcpOther)));
  // server lines with IRCv3 tags and mIRC formatting bytes (bold 0x02) in the text
  assert.ok(isIrc(identify([{ dir: 1, payload: '@time=2024-01-01T00:00:00.000Z :irc.example.net NOTICE * :\x02*** Checking Ident\x02\r\n' }], tcpOther)));
  // a capture that starts with the server's welcome numerics
  assert.ok(isIrc(identify([{ dir: 1, payload: ':irc.example.net 001 erin :Welcome\r\n:irc.example.net 002 erin :Your host is irc.example.net\r\n' }], tcp6667)));
});

test('IRC: registration split in 1-byte and 3-byte segments', () => {
  const msg = 'CAP LS 302\r\n';
  for (const size of [1, 3]) {
    const parts: Exchange[] = [];
    // at most 7 pieces, then the rest: the inspection budget is 8 packets
    for (let i = 0; i < msg.length && parts.length < 7; i += size) parts.push({ dir: 0, payload: msg.slice(i, i + size) });
    const sent = parts.reduce((n, p) => n + p.payload.length, 0);
    if (sent < msg.length) parts.push({ dir: 0, payload: msg.slice(sent) });
    assert.ok(isIrc(identify(parts, tcpOther)), `size ${size}`);
  }
  // CR and LF in different segments
  assert.ok(isIrc(identify([{ dir: 0, payload: 'USER a 0 * :b\r' }, { dir: 0, payload: '\n' }], tcpOther)));
});

test('IRC: hex-built server NOTICE', () => {
  const r = identify([{ dir: 1, payload: hex(`
    3a 73 72 76 20           # ":srv "
    4e 4f 54 49 43 45 20     # "NOTICE "
    2a 20 3a 68 69           # "* :hi"
    0d 0a`) }], tcpOther);
  assert.ok(isIrc(r));
});

test('IRC: other protocols and malformed lines are not IRC', () => {
  const client: (string | Uint8Array)[] = [
    'GET / HTTP/1.1\r\nHost: irc.example.net\r\n\r\n',
    'CONNECT irc.example.net:6667 HTTP/1.1\r\n\r\n',
    hex('16 03 01 00 a5 01 00 00 a1 03 03'),
    'SSH-2.0-OpenSSH_9.6\r\n',
    'USER alice\r\n', // too few parameters
    'JOIN #x\r\nPRIVMSG #x :hi\r\n', // mid-session client lines are not taken as an opening
    'CAP LS 999 extra\r\n',
    'NICK #channel\r\nPASS x\r\n',
    ':alice NICK bob\r\nPASS x\r\n', // clients send no source
    'EHLO mail.example.com\r\n',
    'PASS x\0\r\n',
    hex('c3 9a 00 11 fe 42 13 37 0a 0d 55'),
    'NICK',
  ];
  for (const p of client) {
    assert.ok(!isIrc(identify([{ dir: 0, payload: p }], tcpOther)), String(p));
    assert.ok(notByDpi(identify([{ dir: 0, payload: p }], tcp6667), 'IRC'), String(p));
  }
  const server: (string | Uint8Array)[] = [
    '220 mail.example.com ESMTP Postfix\r\n250 OK\r\n', // numerics without source: SMTP
    '220 (vsFTPd 3.0.5)\r\n',
    'SSH-2.0-OpenSSH_9.6\r\n',
    'HTTP/1.1 200 OK\r\n\r\n',
    ': NOTICE * :x\r\n',
    ':srv 001\r\n',
    'PING :123\r\n', // weak alone
  ];
  for (const p of server) assert.ok(notByDpi(identify([{ dir: 1, payload: p }], tcp6667), 'IRC'), String(p));
});

test('IRC: fuzz client and server openings', () => {
  fuzz(enc('NICK alice\r\nUSER alice 0 * :Alice\r\n'), 'tcp', 6667, 0);
  fuzz(enc(':irc.example.net NOTICE * :*** Looking up your hostname...\r\n'), 'tcp', 6667, 1);
});
