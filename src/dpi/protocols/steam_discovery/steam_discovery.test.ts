import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload, hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';
import { isSteamDiscovery } from './index.js';

const REQUEST = hex(`
  ffffffff 214c5fa0     # signature
  16000000              # header length 22 (little-endian)
  08 fcd3f1e3b7bcbfcf76 # header field 1 (client id), varint
  10 00                 # field 2: message type 0 (discovery)
  18 afca9baaa080d9e402 # field 3: instance id
  02000000              # body length 2
  08 01                 # body: sequence number 1
`);

test('Steam discovery broadcast', () => {
  assert.equal(isSteamDiscovery(REQUEST, 0, REQUEST.length), true);
  const r = identify([{ dir: 0, payload: REQUEST }], { transport: 'udp', serverPort: 27036, clientPort: 27036, server: '192.168.88.255', client: '192.168.88.231' });
  assert.equal(r['application'], 'Steam');
  assert.equal(r['confidence'], 'dpi');
});

test('Steam discovery refuses lengths that do not fill the datagram', () => {
  assert.equal(isSteamDiscovery(REQUEST, 0, REQUEST.length - 1), false);
  const header = Uint8Array.from(REQUEST);
  header[8] = 0x40;
  assert.equal(isSteamDiscovery(header, 0, header.length), false);
  const sig = Uint8Array.from(REQUEST);
  sig[5] = 0x4d;
  assert.equal(isSteamDiscovery(sig, 0, sig.length), false);
  assert.notEqual(identify([{ dir: 0, payload: sig }], { transport: 'udp', serverPort: 40000 })['application'], 'Steam');
});

test('Steam discovery fuzz: mutated first payloads never throw', () => {
  fuzzFirstPayload(REQUEST, 'udp', 27036);
});
