import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload, hexBytes as hex, identify, notByDpi } from '../../../test-support/dpi-test-kit.js';
import { isRakNetOffline } from './index.js';

const REQUEST1 = hex(`
  05                                # ID_OPEN_CONNECTION_REQUEST_1
  00ffff00fefefefefdfdfdfd12345678  # offline message magic
  0b                                # RakNet protocol version 11
  000000000000000000000000000000000000000000000000  # zero padding (sized to probe the MTU)
`);
const PING = hex(`
  01                                # ID_UNCONNECTED_PING
  000000000012d687                  # client time (ms)
  00ffff00fefefefefdfdfdfd12345678  # magic
  1122334455667788                  # client GUID
`);
const PONG = hex(`
  1c                                # ID_UNCONNECTED_PONG
  000000000012d687                  # echoed time
  8877665544332211                  # server GUID
  00ffff00fefefefefdfdfdfd12345678  # magic
  0005 4d4350453b                   # server id string (length-prefixed): "MCPE;"
`);

test('RakNet open connection request and unconnected ping / pong', () => {
  assert.equal(isRakNetOffline(REQUEST1, 0, REQUEST1.length), true);
  assert.equal(isRakNetOffline(PING, 0, PING.length), true);
  assert.equal(isRakNetOffline(PONG, 0, PONG.length), true);
  assert.equal(identify([{ dir: 0, payload: REQUEST1 }], { transport: 'udp', serverPort: 53385 })['protocol'], 'RakNet');
  assert.equal(identify([{ dir: 0, payload: PING }, { dir: 1, payload: PONG }], { transport: 'udp', serverPort: 19132 })['protocol'], 'RakNet');
});

test('RakNet refuses a damaged magic or a magic at the wrong place', () => {
  const bad = Uint8Array.from(REQUEST1);
  bad[16] = 0x79;
  assert.equal(isRakNetOffline(bad, 0, bad.length), false);
  const shifted = Uint8Array.from(PING);
  shifted[0] = 0x1c; // a pong keeps its magic 8 bytes further
  assert.equal(isRakNetOffline(shifted, 0, shifted.length), false);
  assert.ok(notByDpi(identify([{ dir: 0, payload: bad }], { transport: 'udp', serverPort: 19132 }), 'RakNet'));
});

test('RakNet fuzz: mutated first payloads never throw', () => {
  fuzzFirstPayload(REQUEST1, 'udp', 19132);
  fuzzFirstPayload(PONG, 'udp', 19132, 1);
});
