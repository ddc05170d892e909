import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';

test('memcached text and binary commands', () => {
  assert.deepEqual(identify([{ dir: 0, payload: 'stats\r\n' }], { transport: 'tcp', serverPort: 11211 })['memcached'], { command: 'stats' });
  assert.deepEqual(identify([{ dir: 0, payload: 'set k 0 60 5\r\nhello\r\n' }], { transport: 'tcp', serverPort: 11211 })['memcached'], { command: 'set' });
  const bin = hex('80 00 00 03 00 00 00 00 00 00 00 03 00 00 00 01 00 00 00 00 00 00 00 00 6b 65 79'); // GET "key"
  assert.deepEqual(identify([{ dir: 0, payload: bin }], { transport: 'tcp', serverPort: 11211 })['memcached'], { command: 'binary' });
});

test('memcached: malformed commands refused; fuzz', () => {
  assert.equal(identify([{ dir: 0, payload: 'set k zero\r\n' }], { transport: 'tcp', serverPort: 11212 })['memcached'], null);
  fuzz(enc('get foo bar\r\n'), 'tcp', 11211);
});

/** a binary-protocol request (BinaryProtocolRevamped §3.1): header, extras, key, value */
function request(opcode: number, extras: number[], key: string, value: string): Uint8Array {
  const k = enc(key);
  const v = enc(value);
  const body = extras.length + k.length + v.length;
  const h = [0x80, opcode, k.length >> 8, k.length & 0xff, extras.length, 0, 0, 0, body >>> 24, (body >> 16) & 0xff, (body >> 8) & 0xff, body & 0xff, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0];
  return Uint8Array.from([...h, ...extras, ...k, ...v]);
}

test('memcached binary requests: each opcode with the extras its spec gives, pipelined too', () => {
  const named = (payload: Uint8Array, transport: 'tcp' | 'udp' = 'tcp'): boolean => {
    const r = identify([{ dir: 0, payload: transport === 'udp' ? Uint8Array.from([0, 1, 0, 0, 0, 1, 0, 0, ...payload]) : payload }], { transport, serverPort: 11211 });
    return r['protocol'] === 'Memcached' && r['confidence'] === 'dpi';
  };
  assert.ok(named(request(0x01, [0, 0, 0, 0, 0, 0, 0x0e, 0x10], 'k1', 'hello'))); // Set: flags + expiration
  assert.ok(named(request(0x02, [0, 0, 0, 0, 0, 0, 0, 0], 'k1', 'v'))); // Add
  assert.ok(named(request(0x05, Array(20).fill(0), 'counter', ''))); // Increment: delta, initial, expiration
  assert.ok(named(request(0x08, [0, 0, 0, 0], '', ''))); // Flush with its optional expiration
  assert.ok(named(request(0x0b, [], '', ''))); // Version
  assert.ok(named(request(0x10, [], '', ''))); // Stat, no key
  assert.ok(named(request(0x1c, [0, 0, 0, 60], 'k1', ''))); // Touch
  assert.ok(named(Uint8Array.from([...request(0x09, [], 'a', ''), ...request(0x09, [], 'b', ''), ...request(0x0a, [], '', '')]))); // GetQ, GetQ, Noop
  assert.ok(named(request(0x00, [], 'key', ''), 'udp'));
  // lengths that do not fit the opcode
  assert.ok(!named(request(0x02, [], 'k1', 'hello world'))); // Add without its 8 bytes of extras
  assert.ok(!named(request(0x00, [], '', ''))); // Get without a key
  assert.ok(!named(request(0x07, [], 'k', ''))); // Quit with a key
  assert.ok(!named(request(0x05, [0, 0, 0, 0], 'c', ''))); // Increment with 4 bytes of extras
  assert.ok(!named(request(0x47, [], '', ''))); // not a request opcode of the spec
  assert.ok(!named(Uint8Array.from([...request(0x00, [], 'key', ''), 0xf4, 0x76, 0x62, 0x09]))); // what follows is no request
});
