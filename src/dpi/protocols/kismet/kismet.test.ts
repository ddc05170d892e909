import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Exchange, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';

// Sentences built after Kismet's DEVEL.client (Client/Server Protocol) and the example in
// Wireshark's wiki page on the protocol; tshark decodes them as Kismet on TCP 2501.

const tcp = { transport: 'tcp' as const, serverPort: 2501 };

const HELLO = '*KISMET: 0.0.0 1144004381 \x01Kismet\x01 20050815211952 0 2005.08.R1\n';
const PROTOCOLS = '*PROTOCOLS: KISMET,ERROR,ACK,PROTOCOLS,CAPABILITY,TERMINATE,TIME,ALERT,NETWORK,CLIENT,GPS,INFO,REMOVE,STATUS,PACKET,STRING,WEPKEY,CARD\n';

const kis = (r: Record<string, unknown>): unknown => r['kismet'];

test('Kismet: the server greets, the client enables sentences', () => {
  const r = identify([{ dir: 1, payload: HELLO + PROTOCOLS }, { dir: 0, payload: '!1 ENABLE NETWORK bssid,type,ssid,channel\n' }, { dir: 1, payload: '*ACK: 1\n' }], tcp);
  assert.equal(r['protocol'], 'Kismet');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(kis(r), { version: '0.0.0', build: '20050815211952' });
  assert.ok(!JSON.stringify(r).includes('\\u0001Kismet'));
  // a newer server, with a server name holding spaces
  const newer = '*KISMET: 0.0.0 1318881853 \x01Lab sniffer 2\x01 2011.03.R2 1 \x01\x01\n';
  assert.deepEqual(kis(identify([{ dir: 1, payload: newer }], tcp)), { version: '0.0.0', build: '2011.03.R2' });
});

test('Kismet: a capture that starts with the client, or with *PROTOCOLS', () => {
  assert.equal(identify([{ dir: 0, payload: '!0 REMOVE TIME\n' }], tcp)['protocol'], 'Kismet');
  assert.equal(identify([{ dir: 0, payload: '!1144004390 CAPABILITY ALERT\r\n' }], tcp)['protocol'], 'Kismet');
  assert.equal(identify([{ dir: 1, payload: PROTOCOLS }], tcp)['protocol'], 'Kismet');
  // another port
  assert.deepEqual(kis(identify([{ dir: 1, payload: HELLO }], { transport: 'tcp', serverPort: 12501 })), { version: '0.0.0', build: '20050815211952' });
});

test('Kismet: split into 1-byte and odd-sized segments', () => {
  const ones: Exchange[] = [...'*KISMET: '].map((c) => ({ dir: 1 as const, payload: c }));
  ones.push({ dir: 1, payload: HELLO.slice(9) });
  assert.equal(identify(ones, tcp)['confidence'], 'dpi');
  assert.equal(identify(ones, tcp)['protocol'], 'Kismet');
  const fives: Exchange[] = [];
  for (let i = 0; i < HELLO.length; i += 5) fives.push({ dir: 1, payload: HELLO.slice(i, i + 5) });
  assert.deepEqual(kis(identify(fives, tcp)), { version: '0.0.0', build: '20050815211952' });
  const cmd: Exchange[] = [...'!1 ENABLE TIME\n'].map((c) => ({ dir: 0 as const, payload: c }));
  assert.equal(identify(cmd.slice(0, 4).concat([{ dir: 0, payload: 'NABLE TIME\n' }]), tcp)['protocol'], 'Kismet');
});

test('Kismet: other protocols and broken sentences are not Kismet', () => {
  const cases: Exchange[][] = [
    [{ dir: 1, payload: '*KISMET: 0.0.0 start \x01Kismet\x01 1\n' }], // start time not a number
    [{ dir: 1, payload: '*KISMET: 0.0.0 1144004381 Kismet 1\n' }], // server name not wrapped
    [{ dir: 1, payload: '*PROTOCOLS: TIME,ALERT\n' }], // no KISMET in the list
    [{ dir: 1, payload: '*TIME: 1144004381\n' }],
    [{ dir: 0, payload: '!1 DELETE NETWORK\n' }],
    [{ dir: 0, payload: '!x ENABLE TIME\n' }],
    [{ dir: 1, payload: '* OK [CAPABILITY IMAP4rev1] ready\r\n' }], // IMAP greeting
    [{ dir: 0, payload: 'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n' }],
    [{ dir: 1, payload: 'SSH-2.0-OpenSSH_9.6\r\n' }],
    [{ dir: 0, payload: hex('16 03 01 00 2f 01 00 00 2b 03 03') }],
    [{ dir: 1, payload: hex('2a 4b 49 53 4d 45 54 3a 20 00 ff 10') }],
  ];
  for (const [i, c] of cases.entries()) assert.ok(notByDpi(identify(c, tcp), 'Kismet'), `case ${i}`);
  assert.ok(notByDpi(identify([{ dir: 0, payload: Uint8Array.from({ length: 64 }, (_, i) => (i * 151 + 7) & 0xff) }], { transport: 'tcp', serverPort: 50999 }), 'Kismet'));
});

test('Kismet: fuzz', () => {
  fuzz(utf8(HELLO), 'tcp', 2501, 1);
  fuzz(utf8('!1 ENABLE NETWORK bssid,type\n'), 'tcp', 2501);
});
