import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';

const udp2427 = { transport: 'udp', serverPort: 2427, clientPort: 2727 } as const;

// RFC 3435 §3.2: command line, parameter lines, an empty line, then SDP for CRCX/MDCX
const crcx = 'CRCX 1204 aaln/1@rgw-2567.whatever.net MGCP 1.0\r\nC: A3C47F21456789F0\r\nL: p:10, a:PCMU\r\nM: recvonly\r\n';
const ntfyNcs = 'NTFY 2002 aaln/1@rgw-2567.whatever.net MGCP 1.0 NCS 1.0\nN: ca@ca1.whatever.net:5678\nX: 0123456789AC\nO: L/hd\n';
const ok = '200 1204 OK\r\nI: FDE234C8\r\n';

test('MGCP: each command verb, gateway and call agent side', () => {
  const verbs = ['EPCF', 'CRCX', 'MDCX', 'DLCX', 'RQNT', 'NTFY', 'AUEP', 'AUCX', 'RSIP'];
  for (const verb of verbs) {
    const r = identify([{ dir: 0, payload: `${verb} 1 aaln/1@gw1.example.net MGCP 1.0\r\n` }], udp2427);
    assert.equal(r['protocol'], 'MGCP', verb);
    assert.equal(r['confidence'], 'dpi', verb);
    assert.deepEqual(r['mgcp'], { command: verb, version: '1.0' }, verb);
  }
  // a gateway restarting: RSIP to the call agent port, wildcard endpoint, lower case verb (§3.1)
  const rsip = identify([{ dir: 0, payload: 'rsip 5200 *@[192.0.2.5] MGCP 1.0\nRM: restart\n' }], { transport: 'udp', serverPort: 2727 });
  assert.deepEqual(rsip['mgcp'], { command: 'RSIP', version: '1.0' });
});

test('MGCP: command and its response; NCS profile; a response first', () => {
  const r = identify([{ dir: 0, payload: crcx }, { dir: 1, payload: ok }], udp2427);
  assert.equal(r['protocol'], 'MGCP');
  assert.deepEqual(r['mgcp'], { command: 'CRCX', version: '1.0' });
  assert.deepEqual(identify([{ dir: 0, payload: ntfyNcs }], udp2427)['mgcp'], { command: 'NTFY', version: '1.0', profile: 'NCS 1.0' });
  // the capture starts with the gateway's answer: named on the MGCP port
  const answerFirst = identify([{ dir: 1, payload: ok }, { dir: 0, payload: crcx }], udp2427);
  assert.equal(answerFirst['confidence'], 'dpi');
  assert.deepEqual(answerFirst['mgcp'], { response_code: 200 });
  // on another port a response waits for a command
  const elsewhere = { transport: 'udp', serverPort: 40000, clientPort: 40001 } as const;
  assert.ok(notByDpi(identify([{ dir: 1, payload: ok }], elsewhere), 'MGCP'));
  const late = identify([{ dir: 1, payload: '510 77 bad\n' }, { dir: 0, payload: 'AUEP 78 aaln/*@gw.example.net MGCP 1.0\n' }], elsewhere);
  assert.deepEqual(late['mgcp'], { command: 'AUEP', version: '1.0', response_code: 510 });
});

test('MGCP: look-alikes and broken command lines are refused', () => {
  const others = [
    utf8('GET / HTTP/1.1\r\nHost: example.com\r\n\r\n'),
    hex('16 03 01 00 2f 01 00 00 2b 03 03'),
    utf8('SSH-2.0-OpenSSH_9.6\r\n'),
    hex('03 3a 11 c2 99 04 7e 5b 01 fe 33 20 6c d0 aa 19 42 42 42 42'),
    utf8('INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP host\r\n\r\n'),
    utf8('MEGACO/1 [192.0.2.1]:2944\r\nTransaction = 1 {}\r\n'),
    utf8('NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n\r\n'),
  ];
  for (const p of others) assert.ok(notByDpi(identify([{ dir: 0, payload: p }], udp2427), 'MGCP'));
  const bad = [
    'CRCX 1204 aaln/1@gw.example.net MGCP\r\n', // no version
    'CRCX 1204 aaln/1@gw.example.net SGCP 1.0\r\n', // another protocol token
    'CRCX 1204 aaln/1 MGCP 1.0\r\n', // endpoint without a domain
    'CRCX 12a4 aaln/1@gw.example.net MGCP 1.0\r\n', // transaction id not decimal
    'CRCX 1234567890 aaln/1@gw.example.net MGCP 1.0\r\n', // ten digits
    'CRCX 0 aaln/1@gw.example.net MGCP 1.0\r\n', // 0 is not a transaction id
    'XXXX 1204 aaln/1@gw.example.net MGCP 1.0\r\n', // unknown verb
    'CRCX 1204 aaln/1@gw.example.net MGCP 1.0', // truncated: no end of line
    '20 1204 OK\r\n', // two-digit code
    '200 OK\r\n', // no transaction id
  ];
  for (const p of bad) assert.ok(notByDpi(identify([{ dir: 0, payload: p }], { transport: 'udp', serverPort: 40000 }), 'MGCP'), p);
});

test('MGCP: fuzz', () => {
  fuzz(utf8(crcx), 'udp', 2427);
  fuzz(utf8(ok), 'udp', 2727, 1);
});
