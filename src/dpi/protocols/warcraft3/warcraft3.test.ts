import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 as enc } from '../../../test-support/dpi-test-kit.js';
import { w3gsChain } from './index.js';

// W3GS_SEARCHGAME (0x2F): product "W3XP" reversed as 'PX3W', version 26, 4-byte padding
const SEARCHGAME = hex('f7 2f 10 00  50 58 33 57  1a 00 00 00  00 00 00 00');
// W3GS_REQJOIN (0x1E): host counter, entry key, unknown, listen port, peer key, name, …
const name = enc('player\0');
const reqjoinBody = cat(hex('01 00 00 00  8e 3d 11 00  00  e0 17  01 00 00 00'), name, hex('01 00  02 00 17 e0 c0 a8 01 05 00 00 00 00 00 00 00 00'));
const REQJOIN = cat(hex('f7 1e'), Uint8Array.of((reqjoinBody.length + 4) & 0xff, (reqjoinBody.length + 4) >> 8), reqjoinBody);
// W3GS_PING_FROM_HOST (0x01) and W3GS_OUTGOING_KEEPALIVE (0x27) back to back
const PING_AND_KEEPALIVE = hex('f7 01 08 00 11 22 33 44  f7 27 09 00 00 aa bb cc dd');

test('Warcraft III LAN discovery (UDP 6112) and game join (TCP) are Warcraft3', () => {
  const udp = identify([{ dir: 0, payload: SEARCHGAME }], { transport: 'udp', serverPort: 6112 });
  assert.equal(udp['protocol'], 'Warcraft3');
  assert.equal(udp['confidence'], 'dpi');
  const tcp = identify([{ dir: 0, payload: REQJOIN }, { dir: 1, payload: PING_AND_KEEPALIVE }], { transport: 'tcp', serverPort: 6112 });
  assert.equal(tcp['protocol'], 'Warcraft3');
  const otherPort = identify([{ dir: 0, payload: PING_AND_KEEPALIVE }], { transport: 'tcp', serverPort: 6113 });
  assert.equal(otherPort['protocol'], 'Warcraft3');
});

test('W3GS: message chains are walked to the exact end; a cut message counts only on 6112 over TCP', () => {
  assert.equal(w3gsChain(PING_AND_KEEPALIVE, 0, PING_AND_KEEPALIVE.length), 1);
  assert.equal(w3gsChain(REQJOIN, 0, REQJOIN.length - 3), 2);
  assert.equal(w3gsChain(hex('f7 2f 10 00 50 58 33 57 1a 00 00 00 00 00 00 00 00'), 0, 17), 0); // one byte too many
  assert.equal(w3gsChain(hex('f7 99 08 00 00 00 00 00'), 0, 8), 0); // no such message id
  assert.equal(w3gsChain(hex('f7 01 02 00 00 00'), 0, 6), 0); // length below the header's
  const cut = REQJOIN.subarray(0, 20);
  assert.equal(identify([{ dir: 0, payload: cut }], { transport: 'tcp', serverPort: 6112 })['protocol'], 'Warcraft3');
  assert.ok(notByDpi(identify([{ dir: 0, payload: cut }], { transport: 'tcp', serverPort: 7000 }), 'Warcraft3'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: SEARCHGAME.subarray(0, 12) }], { transport: 'udp', serverPort: 6112 }), 'Warcraft3'));
  fuzz(SEARCHGAME, 'udp', 6112);
  fuzz(REQJOIN, 'tcp', 6112);
});
