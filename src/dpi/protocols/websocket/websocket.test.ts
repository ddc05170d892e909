import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes as cat, fuzzFirstPayload as fuzz, hexBytes as hex, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

const SERVER_TEXT = cat(hex(`
  81          # FIN, text frame
  05          # unmasked, length 5
`), enc('hello'));
const CLIENT_TEXT = hex(`
  81          # FIN, text frame
  85          # masked, length 5
  37 fa 21 3d # masking key
  7f 9f 4d 51 58 # masked "Hello"
`);

test('WebSocket frames both ways: the client masks, the server does not', () => {
  const r = identify([{ dir: 0, payload: CLIENT_TEXT }, { dir: 1, payload: SERVER_TEXT }], { transport: 'tcp', serverPort: 50999 });
  assert.equal(r['protocol'], 'WebSocket');
  // the capture began late and the engine took the server for the client
  assert.equal(identify([{ dir: 0, payload: SERVER_TEXT }, { dir: 1, payload: CLIENT_TEXT }], { transport: 'tcp', serverPort: 50999 })['protocol'], 'WebSocket');
  // two frames in one segment, 16-bit length
  const big = cat(hex('82 7e 00 80'), new Uint8Array(128), hex('89 00'));
  assert.equal(identify([{ dir: 1, payload: big }, { dir: 0, payload: CLIENT_TEXT }], { transport: 'tcp', serverPort: 8080 })['protocol'], 'WebSocket');
});

test('WebSocket refuses one side only, both masked, RSV bits and reserved opcodes', () => {
  assert.equal(identify([{ dir: 0, payload: CLIENT_TEXT }], { transport: 'tcp', serverPort: 5000 })['protocol'], null);
  assert.equal(identify([{ dir: 0, payload: CLIENT_TEXT }, { dir: 1, payload: CLIENT_TEXT }], { transport: 'tcp', serverPort: 5000 })['protocol'], null);
  const rsv = Uint8Array.from(SERVER_TEXT);
  rsv[0] = 0xc1;
  assert.notEqual(identify([{ dir: 0, payload: CLIENT_TEXT }, { dir: 1, payload: rsv }], { transport: 'tcp', serverPort: 5000 })['protocol'], 'WebSocket');
  const op = Uint8Array.from(SERVER_TEXT);
  op[0] = 0x83;
  assert.notEqual(identify([{ dir: 0, payload: CLIENT_TEXT }, { dir: 1, payload: op }], { transport: 'tcp', serverPort: 5000 })['protocol'], 'WebSocket');
  // a length that does not fit the segment's bytes
  assert.notEqual(identify([{ dir: 0, payload: CLIENT_TEXT }, { dir: 1, payload: cat(SERVER_TEXT, hex('ff')) }], { transport: 'tcp', serverPort: 5000 })['protocol'], 'WebSocket');
  fuzz(CLIENT_TEXT, 'tcp', 5000);
});
