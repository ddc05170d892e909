import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';
import { mutate, seededRandom } from '../../../test-support/prng.js';

// P_CONTROL_HARD_RESET_CLIENT_V2 (opcode 7 << 3 | key id 0), session id, no acks, packet id 0
const CLIENT = hex('38 d67be45be5c201eb 00 00000000');
// P_CONTROL_HARD_RESET_SERVER_V2 (8 << 3), session id, 1 ack: packet id 0 of the client's session
const SERVER = hex('40 4053c96dd083724f 01 00000000 d67be45be5c201eb 00000000');
const tcp = (b: Uint8Array): Uint8Array => {
  const o = new Uint8Array(b.length + 2);
  o.set([b.length >> 8, b.length & 0xff]);
  o.set(b, 2);
  return o;
};

test('UDP: a client hard reset answered by a server hard reset', () => {
  const r = identify([{ dir: 0, payload: CLIENT }, { dir: 1, payload: SERVER }], { transport: 'udp', serverPort: 1194 });
  assert.equal(r['protocol'], 'OpenVPN');
  assert.equal(r['confidence'], 'dpi');
});

test('TCP: the same with 16-bit length prefixes, on another port', () => {
  const r = identify([{ dir: 0, payload: tcp(CLIENT) }, { dir: 1, payload: tcp(SERVER) }], { transport: 'tcp', serverPort: 443 });
  assert.equal(r['protocol'], 'OpenVPN');
});

test('a reset without the answer, or answered by something else, is not named', () => {
  assert.notEqual(identify([{ dir: 0, payload: CLIENT }], { transport: 'udp', serverPort: 40000 })['confidence'], 'dpi');
  const other = Uint8Array.from(SERVER);
  other[0] = 0x48; // opcode 9
  assert.notEqual(identify([{ dir: 0, payload: CLIENT }, { dir: 1, payload: other }], { transport: 'udp', serverPort: 40000 })['protocol'], 'OpenVPN');
});

test('fuzz: mutated packets never throw', () => {
  const rnd = seededRandom(1194);
  for (let k = 0; k < 100; k++) {
    identify([{ dir: 0, payload: mutate(CLIENT, rnd) }, { dir: 1, payload: mutate(SERVER, rnd) }], { transport: 'udp', serverPort: 1194 });
    identify([{ dir: 0, payload: mutate(tcp(CLIENT), rnd) }, { dir: 1, payload: mutate(tcp(SERVER), rnd) }], { transport: 'tcp', serverPort: 1194 });
  }
});
