import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes, fuzzFirstPayload, hexBytes as hex, identify, utf8 } from '../../../test-support/dpi-test-kit.js';
import { wowHello } from './index.js';

const SERVER = concatBytes(hex('3000'), utf8('WORLD OF WARCRAFT CONNECTION - SERVER TO CLIENT'), hex('00')); // 48-byte string, LE length
const CLIENT = concatBytes(hex('3000'), utf8('WORLD OF WARCRAFT CONNECTION - CLIENT TO SERVER'), hex('00'));

test('WoW connection initialisation, server first', () => {
  assert.equal(wowHello(SERVER, 0, SERVER.length), 0);
  assert.equal(wowHello(CLIENT, 0, CLIENT.length), 1);
  const r = identify([{ dir: 1, payload: SERVER }, { dir: 0, payload: CLIENT }], { transport: 'tcp', serverPort: 3724 });
  assert.equal(r['application'], 'WorldOfWarcraft');
  assert.equal(r['confidence'], 'dpi');
});

test('WoW refuses a wrong length, a different string and a missing NUL', () => {
  const size = Uint8Array.from(SERVER);
  size[0] = 0x31;
  assert.equal(wowHello(size, 0, size.length), -1);
  const text = Uint8Array.from(SERVER);
  text[40] = 0x58;
  assert.equal(wowHello(text, 0, text.length), -1);
  const nul = Uint8Array.from(SERVER);
  nul[49] = 0x20;
  assert.equal(wowHello(nul, 0, nul.length), -1);
  const r = identify([{ dir: 1, payload: text }], { transport: 'tcp', serverPort: 3724 });
  assert.notEqual(r['confidence'], 'dpi');
});

test('WoW fuzz: mutated first payloads never throw', () => {
  fuzzFirstPayload(SERVER, 'tcp', 3724, 1);
});
