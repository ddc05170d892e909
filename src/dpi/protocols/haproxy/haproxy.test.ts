import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, type Exchange, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';

// Headers built after proxy-protocol.txt §2.1 (text) and §2.2 (binary).

const HTTP = 'GET / HTTP/1.1\r\nHost: www.example.com\r\n\r\n';
const V1_TCP4 = 'PROXY TCP4 203.0.113.77 192.0.2.80 56324 443\r\n';
const V2_SIG = hex('0d 0a 0d 0a 00 0d 0a 51 55 49 54 0a');
const CLIENT_HELLO = hex('16 03 01 00 2f 01 00 00 2b 03 03');

/** a v2 header: signature, version/command, family/transport, length, then the block */
const v2 = (verCmd: number, fam: number, block: Uint8Array): Uint8Array =>
  cat(V2_SIG, Uint8Array.of(verCmd, fam, block.length >> 8, block.length & 0xff), block);
const tlv = (type: number, value: Uint8Array): Uint8Array => cat(Uint8Array.of(type, value.length >> 8, value.length & 0xff), value);

const IPV4_BLOCK = hex(`
  cb 00 71 4d   # source 203.0.113.77
  c0 00 02 50   # destination 192.0.2.80
  dc 04 01 bb   # ports 56324, 443
`);
const IPV6_BLOCK = cat(hex('20010db8000000000000000000000001'), hex('20010db8000000000000000000000002'), hex('c350 01bb'));

const run = (exchanges: Exchange[], serverPort = 443) => identify(exchanges, { transport: 'tcp', serverPort });

/** the addresses the header carried do not appear anywhere in the record */
const noAddresses = (r: Record<string, unknown>): void => {
  const text = JSON.stringify({ ...r, src: null, dst: null });
  for (const a of ['203.0.113.77', '192.0.2.80', '2001:db8::1', '56324']) assert.ok(!text.includes(a), a);
};

test('HAProxy v1: TCP4 before an HTTP request', () => {
  const r = run([{ dir: 0, payload: V1_TCP4 + HTTP }], 80);
  assert.equal(r['protocol'], 'HAProxy');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['haproxy'], { version: 1, transport: 'TCP4' });
  noAddresses(r);
});

test('HAProxy v1: TCP6 (full, compressed, v4-mapped) and UNKNOWN (short and long forms)', () => {
  for (const line of [
    'PROXY TCP6 2001:0db8:0000:0000:0000:0000:0000:0001 2001:db8:0:0:0:0:0:2 50000 443\r\n',
    'PROXY TCP6 2001:db8::1 2001:db8::2 50000 443\r\n',
    'PROXY TCP6 ::ffff:203.0.113.77 ::1 0 65535\r\n',
  ]) {
    const r = run([{ dir: 0, payload: line }, { dir: 0, payload: CLIENT_HELLO }]);
    assert.deepEqual(r['haproxy'], { version: 1, transport: 'TCP6' }, line);
  }
  assert.deepEqual(run([{ dir: 0, payload: 'PROXY UNKNOWN\r\n' }])['haproxy'], { version: 1, transport: 'UNKNOWN' });
  const worst = 'PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n';
  assert.equal(worst.length, 107);
  assert.equal(run([{ dir: 0, payload: worst }])['protocol'], 'HAProxy');
});

test('HAProxy v1: the line in 1-byte, then 3-byte pieces', () => {
  const b = utf8(V1_TCP4 + HTTP);
  const parts: Exchange[] = [];
  for (let i = 0; i < 6; i++) parts.push({ dir: 0, payload: b.subarray(i, i + 1) });
  for (let i = 6; i < V1_TCP4.length; i += 3) parts.push({ dir: 0, payload: b.subarray(i, Math.min(V1_TCP4.length, i + 3)) });
  parts.push({ dir: 0, payload: b.subarray(V1_TCP4.length) });
  const r = run(parts, 8080);
  assert.equal(r['protocol'], 'HAProxy');
  assert.deepEqual(r['haproxy'], { version: 1, transport: 'TCP4' });
});

test('HAProxy v2: PROXY over TCP4 with ALPN, authority and NOOP TLVs, before a ClientHello', () => {
  const block = cat(IPV4_BLOCK, tlv(0x01, utf8('h2')), tlv(0x02, utf8('Shop.Example.com')), tlv(0x04, new Uint8Array(2)));
  const r = run([{ dir: 0, payload: cat(v2(0x21, 0x11, block), CLIENT_HELLO) }]);
  assert.equal(r['protocol'], 'HAProxy');
  assert.deepEqual(r['haproxy'], { version: 2, transport: 'TCP4' });
  assert.equal(r['hostname'], 'shop.example.com');
  noAddresses(r);
});

test('HAProxy v2: LOCAL, TCP6, UDP4, UNIX stream, UNSPEC', () => {
  assert.deepEqual(run([{ dir: 0, payload: v2(0x20, 0x00, new Uint8Array(0)) }])['haproxy'], { version: 2, transport: 'LOCAL' });
  // LOCAL: the block is skipped whatever it holds
  assert.deepEqual(run([{ dir: 0, payload: v2(0x20, 0x11, IPV4_BLOCK) }])['haproxy'], { version: 2, transport: 'LOCAL' });
  assert.deepEqual(run([{ dir: 0, payload: v2(0x21, 0x21, IPV6_BLOCK) }])['haproxy'], { version: 2, transport: 'TCP6' });
  assert.deepEqual(run([{ dir: 0, payload: v2(0x21, 0x12, IPV4_BLOCK) }])['haproxy'], { version: 2, transport: 'UDP4' });
  const unix = cat(utf8('/run/a.sock').slice(), new Uint8Array(108 - 11), utf8('/run/b.sock'), new Uint8Array(108 - 11));
  assert.deepEqual(run([{ dir: 0, payload: v2(0x21, 0x31, unix) }])['haproxy'], { version: 2, transport: 'UNIX_STREAM' });
  assert.deepEqual(run([{ dir: 0, payload: v2(0x21, 0x00, new Uint8Array(0)) }])['haproxy'], { version: 2, transport: 'UNSPEC' });
});

test('HAProxy v2: the header in 1-byte pieces, then the rest with the TLVs split', () => {
  const h = v2(0x21, 0x11, cat(IPV4_BLOCK, tlv(0x05, utf8('0123456789abcdef'))));
  const parts: Exchange[] = [];
  for (let i = 0; i < 16; i++) parts.push({ dir: 0, payload: h.subarray(i, i + 1) });
  parts.push({ dir: 0, payload: h.subarray(16, 31) }, { dir: 0, payload: h.subarray(31) });
  const r = run(parts, 25);
  assert.equal(r['protocol'], 'HAProxy');
  assert.deepEqual(r['haproxy'], { version: 2, transport: 'TCP4' });
});

test('HAProxy: other protocols and broken headers are not HAProxy', () => {
  const bad: (string | Uint8Array)[] = [
    HTTP,
    CLIENT_HELLO,
    'SSH-2.0-OpenSSH_9.6\r\n',
    hex('5d 8a 13 f0 77 42 09 c1 2e 00 af 61 0b 92 cc 3e 14 7d'),
    'PROXY TCP5 203.0.113.77 192.0.2.80 56324 443\r\n', // unknown transport
    'PROXY TCP4 203.0.113.77  192.0.2.80 56324 443\r\n', // two spaces
    'PROXY TCP4 203.0.113.77 192.0.2.80 056324 443\r\n', // leading zero
    'PROXY TCP4 203.0.113.256 192.0.2.80 56324 443\r\n', // octet out of range
    'PROXY TCP4 203.0.113.77 192.0.2.80 65536 443\r\n', // port out of range
    'PROXY TCP4 2001:db8::1 2001:db8::2 56324 443\r\n', // family and addresses disagree
    'PROXY TCP6 2001:db8::1::2 ::1 1 2\r\n', // two "::"
    'PROXY TCP4 203.0.113.77 192.0.2.80 56324 443\n', // LF alone
    'PROXY TCP4 203.0.113.77 192.0.2.80 56324\r\n', // a field missing
    'PROXY UNKNOWN ' + 'x'.repeat(100) + '\r\n', // longer than 107 bytes
    'PROXY / HTTP/1.1\r\n\r\n',
    v2(0x11, 0x11, IPV4_BLOCK), // version 1 in the binary header
    v2(0x22, 0x11, IPV4_BLOCK), // unassigned command
    v2(0x21, 0x41, IPV4_BLOCK), // unassigned family
    v2(0x21, 0x13, IPV4_BLOCK), // unassigned transport
    v2(0x21, 0x21, IPV4_BLOCK), // IPv6 block shorter than 36 bytes
    v2(0x21, 0x11, cat(IPV4_BLOCK, hex('02 00 09 61 62'))), // TLV running past the header
    v2(0x21, 0x11, cat(IPV4_BLOCK, hex('04 00'))), // TLV header cut
    v2(0x21, 0x11, IPV4_BLOCK).subarray(0, 20), // truncated: block not complete
    V2_SIG.subarray(0, 10), // truncated signature
    cat(V2_SIG.subarray(0, 11), hex('0b 21 11 00 0c')), // signature with a wrong byte
  ];
  for (const [i, p] of bad.entries()) assert.ok(notByDpi(run([{ dir: 0, payload: p }]), 'HAProxy'), `case ${i}`);
  // a header from the server side is not the PROXY protocol
  assert.ok(notByDpi(run([{ dir: 1, payload: V1_TCP4 }]), 'HAProxy'));
});

test('HAProxy: fuzzed first payloads', () => {
  fuzz(utf8(V1_TCP4), 'tcp', 443);
  fuzz(v2(0x21, 0x11, cat(IPV4_BLOCK, tlv(0x01, utf8('h2')))), 'tcp', 443);
});
