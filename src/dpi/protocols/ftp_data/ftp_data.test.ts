import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

// Passive mode: the client connects to the port of the server's 227 answer (both unprivileged).
const passive = { transport: 'tcp', clientPort: 50412, serverPort: 40123 } as const;

test('FTP data: a Unix LIST answer (with and without "total", ACL mark) from the server', () => {
  for (const listing of [
    'drwxr-xr-x    2 0        0            4096 Mar 02 10:11 pub\r\n-rw-r--r--    1 0        0         1048576 Mar 02 10:12 file.bin\r\n',
    'total 12\r\n-rw-r--r--+ 1 ftp ftp 120 Jan  1  2024 readme.txt\r\n',
    'lrwxrwxrwx 1 root root 7 Jan  1 00:00 bin -> usr/bin\n',
  ]) {
    const r = identify([{ dir: 1, payload: listing }], passive);
    assert.equal(r['protocol'], 'FTP-DATA', listing);
    assert.deepEqual(r['ftp_data'], { content: 'listing' });
  }
});

test('FTP data: a DOS/IIS LIST answer and an MLSD answer (RFC 3659 facts)', () => {
  let r = identify([{ dir: 1, payload: '03-02-24  10:11AM       <DIR>          pub\r\n03-02-24  10:12AM              1234 a.txt\r\n' }], passive);
  assert.equal(r['protocol'], 'FTP-DATA');
  assert.equal((r['ftp_data'] as Record<string, unknown>)['content'], 'listing');
  r = identify([{ dir: 1, payload: 'type=dir;modify=20240302101100;perm=flcdmpe; pub\r\ntype=file;size=1234;modify=20240302101200;perm=adfrw; a.txt\r\n' }], passive);
  assert.equal(r['protocol'], 'FTP-DATA');
  assert.equal((r['ftp_data'] as Record<string, unknown>)['content'], 'mlsd');
});

test('FTP data: a file download (RETR) and upload (STOR) named from the format its first bytes announce', () => {
  const cases: [string, Uint8Array][] = [
    ['zip', cat(hex('50 4b 03 04 14 00 00 00 08 00'), new Uint8Array(300))],
    ['pdf', cat(enc('%PDF-1.7\n%\xe2\xe3\n1 0 obj'), new Uint8Array(300))],
    ['png', cat(hex('89 50 4e 47 0d 0a 1a 0a 00 00 00 0d 49 48 44 52'), new Uint8Array(300))],
    ['gzip', cat(hex('1f 8b 08 00 00 00 00 00 00 03'), new Uint8Array(300))],
    ['bzip2', cat(enc('BZh91AY&SY'), new Uint8Array(300))],
    ['elf', cat(hex('7f 45 4c 46 02 01 01 00'), new Uint8Array(300))],
    ['mp4', cat(hex('00 00 00 20 66 74 79 70 69 73 6f 6d'), new Uint8Array(300))],
  ];
  for (const [type, file] of cases) {
    const down = identify([{ dir: 1, payload: file }], passive);
    assert.equal(down['protocol'], 'FTP-DATA', type);
    assert.deepEqual(down['ftp_data'], { content: 'file', file_type: type });
  }
  // active mode: the server connects from port 20; the upload comes from the client side
  const tar = new Uint8Array(600);
  tar.set(enc('notes.txt'), 0);
  tar.set(enc('ustar\x0000'), 257);
  const up = identify([{ dir: 0, payload: tar }], { transport: 'tcp', clientPort: 20, serverPort: 33211 });
  assert.deepEqual(up['ftp_data'], { content: 'file', file_type: 'tar' });
});

test('FTP data: a file split over segments is decided when its magic has arrived', () => {
  const tar = new Uint8Array(600);
  tar.set(enc('a.txt'), 0);
  tar.set(enc('ustar  \x00'), 257);
  const r = identify([{ dir: 1, payload: tar.subarray(0, 200) }, { dir: 1, payload: tar.subarray(200) }], passive);
  assert.deepEqual(r['ftp_data'], { content: 'file', file_type: 'tar' });
});

test('FTP data: look-alikes and privileged ports are not named', () => {
  // a well-known service port on one end: not a data connection
  assert.equal(identify([{ dir: 1, payload: cat(hex('89 50 4e 47 0d 0a 1a 0a'), new Uint8Array(300)) }], { transport: 'tcp', clientPort: 50000, serverPort: 443 })['ftp_data'], null);
  // text that is neither a listing nor MLSD
  for (const text of ['drwxr-xr-x is a mode string\r\n', 'total rubbish\r\n', 'key=value and more\r\n', '12-34-56 not a date\r\n', 'hello world, this is plain text on a high port'.padEnd(300, '.')]) {
    assert.equal(identify([{ dir: 1, payload: text }], passive)['protocol'] === 'FTP-DATA', false, text);
  }
  fuzz(enc('-rw-r--r--    1 0        0         1048576 Mar 02 10:12 file.bin\r\n'), 'tcp', 40123, 1);
  fuzz(cat(hex('50 4b 03 04 14 00 00 00 08 00'), new Uint8Array(300)), 'tcp', 40123, 1);
});
