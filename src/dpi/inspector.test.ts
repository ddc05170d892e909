import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identify } from '../test-support/dpi-test-kit.js';
import { alpnExt, clientHelloBody, handshake, record } from './protocols/tls/hello-builder.js';

// How the inspector completes identification at the end of a flow (see DpiEngine.identify).

const webexServer = '62.109.224.120'; // in Webex's published prefix 62.109.192.0/18 (data/applications.tsv)

test('a carrier protocol without a host name takes the application of its server address', () => {
  const hello = Uint8Array.from(record(0x16, handshake(0x01, clientHelloBody({ ciphers: [0x1301], extensions: [alpnExt(['h2'])] }))));
  const r = identify([{ dir: 0, payload: hello }], { transport: 'tcp', serverPort: 443, server: webexServer });
  assert.equal(r['protocol'], 'TLS');
  assert.equal(r['application'], 'Webex');
  assert.equal(r['confidence'], 'ip');
});

test('a protocol that is the service itself keeps its own name whatever the address', () => {
  const r = identify([{ dir: 1, payload: 'SSH-2.0-x\r\n' }, { dir: 0, payload: 'SSH-2.0-y\r\n' }], { transport: 'tcp', serverPort: 22, server: webexServer });
  assert.equal(r['protocol'], 'SSH');
  assert.equal(r['application'], null);
  assert.equal(r['confidence'], 'dpi');
});

test('an unknown protocol to a known address: application by address; else the port guess', () => {
  const r = identify([{ dir: 0, payload: 'x' }], { transport: 'tcp', serverPort: 4444, server: webexServer });
  assert.equal(r['protocol'], null);
  assert.equal(r['application'], 'Webex');
  assert.equal(r['confidence'], 'ip');
  const guess = identify([{ dir: 0, payload: 'x' }], { transport: 'tcp', serverPort: 22, server: '192.0.2.200' });
  assert.equal(guess['protocol'], 'SSH');
  assert.equal(guess['confidence'], 'port');
});
