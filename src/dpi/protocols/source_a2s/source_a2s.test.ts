import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes, fuzzFirstPayload, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';
import { a2sKind } from './index.js';

const INFO = concatBytes(hex('ffffffff 54'), utf8('Source Engine Query'), hex('00')); // A2S_INFO, no challenge
const CHALLENGE = hex('ffffffff 41 4a1b2c3d'); // S2C_CHALLENGE
const REPLY = concatBytes(
  hex('ffffffff 49 11'), // info reply, protocol 17
  utf8('My Server'), hex('00'), // name
  utf8('de_dust2'), hex('00'), // map
  utf8('csgo'), hex('00'), // folder
  utf8('Counter-Strike'), hex('00'), // game
  hex('da02 05 10 00 64 6c 00 01'), // app id 730, players, max, bots, type 'd', env 'l', visibility, VAC
);

test('A2S_INFO query, challenge and reply (nDPI: HalfLife2)', () => {
  assert.equal(a2sKind(INFO, 0, INFO.length), 0x54);
  assert.equal(a2sKind(CHALLENGE, 0, CHALLENGE.length), 0x41);
  assert.equal(a2sKind(REPLY, 0, REPLY.length), 0x49);
  const r = identify([{ dir: 0, payload: INFO }, { dir: 1, payload: CHALLENGE }], { transport: 'udp', serverPort: 27015 });
  assert.equal(r['protocol'], 'SourceEngine');
  assert.equal(identify([{ dir: 0, payload: hex('ffffffff 55 ffffffff') }], { transport: 'udp', serverPort: 27016 })['protocol'], 'SourceEngine');
});

test('A2S refuses other FF FF FF FF datagrams and wrong lengths', () => {
  const quake = concatBytes(hex('ffffffff'), utf8('getstatus'));
  assert.equal(a2sKind(quake, 0, quake.length), 0);
  assert.equal(a2sKind(INFO, 0, INFO.length - 1), 0);
  assert.equal(a2sKind(hex('ffffffff 41 4a1b2c3d 00'), 0, 10), 0);
  const fake = hex('ffffffff00000000000000000000000030303000'); // header, then nothing A2S
  assert.ok(notByDpi(identify([{ dir: 0, payload: fake }, { dir: 1, payload: fake }], { transport: 'udp', serverPort: 27015 }), 'SourceEngine'));
  assert.ok(notByDpi(identify([{ dir: 0, payload: quake }], { transport: 'udp', serverPort: 27015 }), 'SourceEngine'));
});

test('A2S fuzz: mutated first payloads never throw', () => {
  fuzzFirstPayload(INFO, 'udp', 27015);
  fuzzFirstPayload(REPLY, 'udp', 27015, 1);
});
