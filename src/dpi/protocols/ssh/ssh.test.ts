import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identify } from '../../../test-support/dpi-test-kit.js';
import { readBanner } from './parser.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

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

test('port 22 without an SSH banner is only a port guess', () => {
  const r = identify([{ dir: 0, payload: 'x' }], { transport: 'tcp', serverPort: 22 });
  assert.equal(r['ssh'], null);
  assert.equal(r['confidence'], 'port');
  assert.equal(r['protocol'], 'SSH');
  // a port guess is no reason for a non-standard-port risk (and the server's SYN-ACK makes it two-way)
  assert.deepEqual(r['risks'], []);
  const oneWay = identify([{ dir: 0, payload: 'x' }], { transport: 'tcp', serverPort: 22, handshake: false });
  assert.deepEqual(oneWay['risks'], ['unidirectional_traffic']);
});

test('banner parser: complete, incomplete, not SSH', () => {
  assert.equal(readBanner(enc('SSH-2.0-x\r\n'), 0, 11), 'SSH-2.0-x');
  assert.equal(readBanner(enc('SSH-2.0-xy'), 0, 10), undefined);
  assert.equal(readBanner(enc('SSH-2.0-\x01\r\n'), 0, 11), null);
  assert.equal(readBanner(enc('HELLO\r\n'), 0, 7), null);
});
