import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';
import { readBanner } from './parser.js';

test('SSH banners name the protocol and both ends', () => {
  const r = identify([
    { dir: 1, payload: 'SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n' },
    { dir: 0, payload: 'SSH-2.0-OpenSSH_9.6\r\n' },
  ], { transport: 'tcp', serverPort: 2222 });
  assert.equal(r['protocol'], 'SSH');
  assert.equal(r['confidence'], 'dpi');
  assert.equal(r['category'], 'RemoteAccess');
  assert.deepEqual(r['ssh'], { server_banner: 'SSH-2.0-OpenSSH_9.2p1 Debian-2', client_banner: 'SSH-2.0-OpenSSH_9.6' });
  assert.equal(r['dpi_packets'], 5);
  // SSH declares port 22: on 2222 it is a known protocol on a non-standard port
  assert.deepEqual(r['risks'], ['known_protocol_on_non_standard_port']);
});

test('a banner split across segments is read once complete; SSH 1 is a risk', () => {
  const r = identify([
    { dir: 0, payload: 'SSH-1.5-' },
    { dir: 0, payload: 'OldClient\r\n' },
    { dir: 1, payload: 'SSH-1.5-OldServer\n' },
  ], { transport: 'tcp', serverPort: 22 });
  assert.deepEqual(r['ssh'], { client_banner: 'SSH-1.5-OldClient', server_banner: 'SSH-1.5-OldServer' });
  assert.deepEqual(r['risks'], ['obsolete_ssh_version']);
});

test('port 22: a stream whose start is no SSH banner is not guessed SSH; one seen midway is only a port guess', () => {
  // the connection's first bytes are there (after the SYN), and they are not "SSH-": not SSH
  const refuted = identify([{ dir: 0, payload: 'x' }], { transport: 'tcp', serverPort: 22 });
  assert.equal(refuted['protocol'], null);
  assert.equal(refuted['confidence'], 'unknown');
  // the capture began after the handshake: the bytes seen may be from the middle of a session
  const r = identify([{ dir: 0, payload: 'x' }], { transport: 'tcp', serverPort: 22, handshake: false });
  assert.equal(r['ssh'], null);
  assert.equal(r['confidence'], 'port');
  assert.equal(r['protocol'], 'SSH');
  // a port guess is no reason for a non-standard-port risk; no answer seen makes the flow one-way
  assert.deepEqual(r['risks'], ['unidirectional_traffic']);
  const twoWay = identify([{ dir: 0, payload: 'x' }, { dir: 1, payload: 'y' }], { transport: 'tcp', serverPort: 22, handshake: false });
  assert.deepEqual(twoWay['risks'], []);
});

test('banner parser: complete, incomplete, not SSH', () => {
  assert.equal(readBanner(enc('SSH-2.0-x\r\n'), 0, 11), 'SSH-2.0-x');
  assert.equal(readBanner(enc('SSH-2.0-xy'), 0, 10), undefined);
  assert.equal(readBanner(enc('SSH-2.0-\x01\r\n'), 0, 11), null);
  assert.equal(readBanner(enc('HELLO\r\n'), 0, 7), null);
});

test('HASSH and HASSH-server from the KEXINIT packets after the banners', async () => {
  const { createHash } = await import('node:crypto');
  const nameList = (s: string): number[] => [0, 0, s.length >> 8, s.length & 0xff, ...enc(s)];
  const kexinit = (lists: string[]): Uint8Array => {
    const payload = [20, ...new Array<number>(16).fill(7), ...lists.flatMap(nameList), 0, 0, 0, 0, 0];
    const pad = 8 - ((payload.length + 5) % 8) + 4;
    const plen = payload.length + pad + 1;
    return Uint8Array.from([plen >>> 24, (plen >> 16) & 0xff, (plen >> 8) & 0xff, plen & 0xff, pad, ...payload, ...new Array<number>(pad).fill(0)]);
  };
  const lists = ['curve25519-sha256', 'ssh-ed25519', 'aes128-ctr', 'aes256-ctr', 'hmac-sha2-256', 'hmac-sha2-512', 'none', 'zlib', '', ''];
  const banner = (s: string): Uint8Array => enc(s);
  const cat = (a: Uint8Array, b: Uint8Array): Uint8Array => Uint8Array.from([...a, ...b]);
  const r = identify([
    { dir: 1, payload: cat(banner('SSH-2.0-OpenSSH_9.2\r\n'), kexinit(lists)) },
    { dir: 0, payload: banner('SSH-2.0-OpenSSH_9.6\r\n') },
    { dir: 0, payload: kexinit(lists) },
  ], { transport: 'tcp', serverPort: 22 });
  const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
  assert.equal(r['hassh'], md5('curve25519-sha256;aes128-ctr;hmac-sha2-256;none'));
  assert.equal(r['hassh_server'], md5('curve25519-sha256;aes256-ctr;hmac-sha2-512;zlib'));
  assert.equal((r['ssh'] as Record<string, unknown>)['server_host_key'], 'ssh-ed25519');
});
