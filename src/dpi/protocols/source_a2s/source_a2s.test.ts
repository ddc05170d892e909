import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes, fuzzFirstPayload, hexBytes as hex, identify, notByDpi, utf8 } from '../../../test-support/dpi-test-kit.js';
import { a2sKind, a2sSplitKind } from './index.js';

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

test('A2S_INFO query, challenge and reply (nDPI: Source_Engine)', () => {
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

// --- more A2S messages, from the "Server queries" page ---

const PLAYERS = concatBytes(
  hex('ffffffff 44 02'), // S2A_PLAYER, 2 players
  hex('00'), utf8('alice'), hex('00'), hex('0a000000'), hex('0000c842'), // index 0, name, score 10, 100.0 s
  hex('01'), utf8('bob'), hex('00'), hex('03000000'), hex('00002041'), // index 1, name, score 3, 10.0 s
);
const RULES = concatBytes(
  hex('ffffffff 45 0200'), // S2A_RULES, 2 rules
  utf8('mp_timelimit'), hex('00'), utf8('30'), hex('00'),
  utf8('sv_gravity'), hex('00'), utf8('800'), hex('00'),
);
const GOLDSRC_INFO = concatBytes(
  hex('ffffffff 6d'), // obsolete GoldSource info answer
  utf8('192.168.1.5:27015'), hex('00'), utf8('HL server'), hex('00'), utf8('crossfire'), hex('00'),
  utf8('valve'), hex('00'), utf8('Half-Life'), hex('00'), hex('04 10 2f 64 6c 00 00'),
);

test('A2S_PLAYER, A2S_RULES requests and their answers', () => {
  assert.equal(a2sKind(hex('ffffffff 56 ffffffff'), 0, 9), 0x56);
  assert.equal(a2sKind(PLAYERS, 0, PLAYERS.length), 0x44);
  assert.equal(a2sKind(RULES, 0, RULES.length), 0x45);
  assert.equal(a2sKind(hex('ffffffff 44 00'), 0, 6), 0x44); // no player
  const r = identify([{ dir: 0, payload: hex('ffffffff 55 4a1b2c3d') }, { dir: 1, payload: PLAYERS }], { transport: 'udp', serverPort: 27016 });
  assert.equal(r['protocol'], 'SourceEngine');
  assert.deepEqual((r['source_a2s'] as Record<string, unknown>)['message'], 'A2S_PLAYER');
  // the server speaking first (capture started after the request)
  const s = identify([{ dir: 1, payload: RULES }], { transport: 'udp', serverPort: 27015 });
  assert.equal(s['protocol'], 'SourceEngine');
  assert.equal((s['source_a2s'] as Record<string, unknown>)['message'], 'S2A_RULES');
});

test('A2S info answer names the game; GoldSource info, ping and getchallenge', () => {
  const r = identify([{ dir: 1, payload: REPLY }], { transport: 'udp', serverPort: 27015 });
  assert.equal(r['protocol'], 'SourceEngine');
  assert.equal((r['source_a2s'] as Record<string, unknown>)['game'], 'Counter-Strike');
  assert.equal(a2sKind(GOLDSRC_INFO, 0, GOLDSRC_INFO.length), 0x6d);
  assert.equal(a2sKind(hex('ffffffff 57'), 0, 5), 0x57);
  assert.equal(a2sKind(hex('ffffffff 69'), 0, 5), 0x69);
  const ack = concatBytes(hex('ffffffff 6a'), utf8('00000000000000'), hex('00'));
  assert.equal(a2sKind(ack, 0, ack.length), 0x6a);
  const g = identify([{ dir: 0, payload: hex('ffffffff 57') }, { dir: 1, payload: CHALLENGE }], { transport: 'udp', serverPort: 4000 });
  assert.equal(g['protocol'], 'SourceEngine');
});

test('A2S split answers: Source (with and without size) and GoldSource first fragments', () => {
  // FF FF FF FE, id 0x00000123, total 3, number 0, size 1248, then the rules answer
  const source = concatBytes(hex('fffffffe 23010000 03 00 e004'), RULES.subarray(0, 20));
  assert.equal(a2sSplitKind(source, 0, source.length), 0x45);
  const r = identify([{ dir: 1, payload: source }], { transport: 'udp', serverPort: 27015 });
  assert.equal(r['protocol'], 'SourceEngine');
  assert.equal((r['source_a2s'] as Record<string, unknown>)['split'], true);
  const old = concatBytes(hex('fffffffe 23010000 02 00'), PLAYERS.subarray(0, 16)); // no size field
  assert.equal(a2sSplitKind(old, 0, old.length), 0x44);
  const gold = concatBytes(hex('fffffffe 23010000 02'), RULES); // number 0, total 2
  assert.equal(a2sSplitKind(gold, 0, gold.length), 0x45);
});

test('A2S near misses: later fragments, compressed, wrong counts, bad GoldSource address', () => {
  const second = concatBytes(hex('fffffffe 23010000 03 01 e004'), RULES.subarray(0, 20)); // number 1
  assert.equal(a2sSplitKind(second, 0, second.length), 0);
  const bz = concatBytes(hex('fffffffe 23010080 03 00 e004'), RULES.subarray(0, 20)); // compressed
  assert.equal(a2sSplitKind(bz, 0, bz.length), 0);
  const badRules = concatBytes(hex('ffffffff 45 0300'), RULES.subarray(7)); // says 3 rules, holds 2
  assert.equal(a2sKind(badRules, 0, badRules.length), 0);
  const longPlayers = concatBytes(PLAYERS, hex('00')); // a byte past the last player
  assert.equal(a2sKind(longPlayers, 0, longPlayers.length), 0);
  const badAddr = concatBytes(hex('ffffffff 6d'), utf8('hello'), GOLDSRC_INFO.subarray(23));
  assert.equal(a2sKind(badAddr, 0, badAddr.length), 0);
  assert.equal(a2sKind(hex('ffffffff 57 00'), 0, 6), 0);
  assert.ok(notByDpi(identify([{ dir: 0, payload: second }], { transport: 'udp', serverPort: 27015 }), 'SourceEngine'));
});

test('A2S fuzz: more first payloads', () => {
  fuzzFirstPayload(PLAYERS, 'udp', 27015, 1);
  fuzzFirstPayload(RULES, 'udp', 27015, 1);
  fuzzFirstPayload(concatBytes(hex('fffffffe 23010000 03 00 e004'), RULES), 'udp', 27015, 1);
});
