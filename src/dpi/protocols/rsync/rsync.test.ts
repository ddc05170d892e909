import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 as enc, type Exchange } from '../../../test-support/dpi-test-kit.js';

const tcp873 = { transport: 'tcp', serverPort: 873 } as const;
const tcpOther = { transport: 'tcp', serverPort: 40873 } as const;

test('rsync: daemon greeting, client greeting, module request and @RSYNCD: OK (protocol 31 with digests)', () => {
  const r = identify([
    { dir: 1, payload: '@RSYNCD: 31.0 sha512 sha256 sha1 md5 md4\n' },
    { dir: 0, payload: '@RSYNCD: 31.0 sha512 sha256 sha1 md5 md4\n' },
    { dir: 0, payload: 'pub\n' },
    { dir: 1, payload: '@RSYNCD: OK\n' },
  ], tcpOther);
  assert.equal(r['protocol'], 'rsync');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['rsync'], { server_protocol: '31.0', client_protocol: '31.0' });
  assert.ok(!JSON.stringify(r).includes('pub'));
});

test('rsync: older greetings (protocol 30 without digests, protocol 29 and 26 without sub-version)', () => {
  for (const [greeting, version] of [['@RSYNCD: 30.0\n', '30.0'], ['@RSYNCD: 29\n', '29.0'], ['@RSYNCD: 26\n', '26.0'], ['@RSYNCD: 32.0 xxh128 xxh3 md5 \n', '32.0']] as const) {
    const r = identify([{ dir: 1, payload: greeting }], tcp873);
    assert.equal(r['protocol'], 'rsync', greeting);
    assert.equal(r['confidence'], 'dpi', greeting);
    assert.deepEqual(r['rsync'], { server_protocol: version }, greeting);
  }
});

test('rsync: the client greeting first (a capture that missed the daemon line), then #list and a module list', () => {
  const r = identify([
    { dir: 0, payload: '@RSYNCD: 31.0\n#list\n' },
    { dir: 1, payload: '@RSYNCD: 31.0\nWelcome\n' },
    { dir: 1, payload: 'pub            public files\n@RSYNCD: EXIT\n' },
  ], tcpOther);
  assert.equal(r['protocol'], 'rsync');
  assert.deepEqual(r['rsync'], { client_protocol: '31.0', server_protocol: '31.0' });
  assert.ok(!JSON.stringify(r).includes('Welcome') && !JSON.stringify(r).includes('public'));
});

test('rsync: an error answer and an authentication challenge are never output', () => {
  const err = identify([
    { dir: 1, payload: '@RSYNCD: 31.0\n' },
    { dir: 0, payload: '@RSYNCD: 31.0\nsecret-module\n' },
    { dir: 1, payload: '@ERROR: Unknown module \'secret-module\'\n' },
  ], tcp873);
  assert.equal(err['protocol'], 'rsync');
  assert.ok(!JSON.stringify(err).includes('secret'));
  const auth = identify([
    { dir: 1, payload: '@RSYNCD: 31.0 sha512 md5\n' },
    { dir: 0, payload: '@RSYNCD: 31.0 sha512 md5\nbackup\n' },
    { dir: 1, payload: '@RSYNCD: AUTHREQD q1w2e3r4t5y6u7i8o9p0aa\n' },
    { dir: 0, payload: 'alice c2VjcmV0aGFzaA\n' },
  ], tcp873);
  assert.equal(auth['protocol'], 'rsync');
  assert.ok(!JSON.stringify(auth).includes('alice') && !JSON.stringify(auth).includes('AUTHREQD'));
});

test('rsync: the greeting split in 1-byte segments (its first bytes) and 3-byte segments (all of it)', () => {
  const line = '@RSYNCD: 31.0\n';
  for (const size of [1, 3]) {
    const parts: Exchange[] = [];
    // within the inspection budget: 1-byte pieces up to the version, then the rest at once
    const cut = size === 1 ? 7 : line.length;
    for (let i = 0; i < cut; i += size) parts.push({ dir: 1, payload: line.slice(i, Math.min(i + size, cut)) });
    if (cut < line.length) parts.push({ dir: 1, payload: line.slice(cut) });
    const r = identify(parts, tcpOther);
    assert.equal(r['protocol'], 'rsync', `size ${size}`);
    assert.deepEqual(r['rsync'], { server_protocol: '31.0' });
  }
});

test('rsync: greetings byte by byte (hex)', () => {
  const r = identify([{ dir: 1, payload: hex('40 52 53 59 4e 43 44 3a 20  # "@RSYNCD: "\n 33 31 2e 30  # 31.0\n 0a') }], tcpOther);
  assert.equal(r['protocol'], 'rsync');
});

test('rsync: wrong versions, malformed greetings and other protocols are not rsync', () => {
  const bad = [
    '@RSYNCD: 31\n', // protocol 30+ without sub-version
    '@RSYNCD: 19.0\n', // too old
    '@RSYNCD: 41.0\n', // beyond any rsync
    '@RSYNCD: x.0\n',
    '@RSYNCD:31.0\n',
    '@RSYNCD: 31.0;rm\n',
    '@RSYNCD: OK\n', // an answer, not a greeting
    '@ERROR: max connections reached\n',
    '@RSYNCD: 31.0', // truncated: no line end yet
  ];
  for (const p of bad) assert.equal(identify([{ dir: 1, payload: p }], tcpOther)['rsync'], null, p);
  for (const p of bad) assert.ok(notByDpi(identify([{ dir: 1, payload: p }], tcp873), 'rsync'), p);
  const others: (string | Uint8Array)[] = [
    'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n',
    hex('16 03 01 00 2f 01 00 00 2b 03 03') ,
    'SSH-2.0-OpenSSH_9.6\r\n',
    hex('40 9a 11 fe 00 ff 13 37 0a 0d'),
    '@',
  ];
  for (const p of others) {
    const r = identify([{ dir: 0, payload: p }], tcp873);
    assert.ok(notByDpi(r, 'rsync'));
    assert.equal(r['rsync'], null);
  }
});

test('rsync: fuzz the greeting in both directions', () => {
  fuzz(enc('@RSYNCD: 31.0 sha512 sha256 sha1 md5 md4\n'), 'tcp', 873, 1);
  fuzz(enc('@RSYNCD: 30.0\n'), 'tcp', 873, 0);
});
