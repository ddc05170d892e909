import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFrames, conversationFrames, hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';
import { mutate, seededRandom } from '../../../test-support/prng.js';
import { applicationOf, channelDataSize, readStun } from './parser.js';

const TID = '0102030405060708090a0b0c';

// Binding request, no attributes
const BINDING = hex(`0001 0000 2112a442 ${TID}`);
// Binding success: XOR-MAPPED-ADDRESS (IPv4), SOFTWARE "test 1.0"
const BINDING_OK = hex(`
  0101 0018 2112a442 ${TID}
  0020 0008 0001 a147 e112a643     # XOR-MAPPED-ADDRESS
  8022 0008 7465737420312e30       # SOFTWARE "test 1.0"
`);
// Allocate error 401 with REALM "signal.org" and a NONCE
const ALLOC_401 = hex(`
  0113 0024 2112a442 ${TID}
  0009 0004 00000401               # ERROR-CODE 401
  0014 000a 7369676e616c2e6f7267 0000  # REALM "signal.org" (+2 padding)
  0015 0008 3031323334353637       # NONCE
`);
// Allocate request with a private attribute 0x4000, 6 bytes, left unpadded (as WhatsApp's relays do)
const ALLOC_PRIVATE = hex(`0003 000a 2112a442 ${TID} 4000 0006 aabbccddeeff`);

test('a Binding exchange names STUN and the software', () => {
  const r = identify([{ dir: 0, payload: BINDING }, { dir: 1, payload: BINDING_OK }], { transport: 'udp', serverPort: 3478 });
  assert.equal(r['protocol'], 'STUN');
  assert.ok(!r['application']);
  assert.deepEqual(r['stun'], { software: 'test 1.0' });
});

test('the TURN realm names the calling service', () => {
  const r = identify([{ dir: 0, payload: BINDING }, { dir: 1, payload: ALLOC_401 }], { transport: 'udp', serverPort: 3478 });
  assert.equal(r['protocol'], 'STUN');
  assert.equal(r['application'], 'SignalVoip');
  assert.equal(r['category'], 'VoIP');
});

test("a TURN realm of a messenger's domain names the messenger's call service; of another domain, that domain's application", () => {
  const realm401 = (realm: string): Uint8Array => {
    const name = [...realm].map((c) => c.charCodeAt(0));
    const pad = (4 - (name.length % 4)) % 4;
    const attrs = [0x00, 0x09, 0x00, 0x04, 0, 0, 0x04, 0x01, 0x00, 0x14, 0, name.length, ...name, ...new Array<number>(pad).fill(0)];
    return Uint8Array.from([0x01, 0x13, attrs.length >> 8, attrs.length & 0xff, 0x21, 0x12, 0xa4, 0x42, ...hex(TID), ...attrs]);
  };
  const app = (realm: string): unknown => identify([{ dir: 0, payload: BINDING }, { dir: 1, payload: realm401(realm) }], { transport: 'udp', serverPort: 3478 })['application'];
  assert.equal(app('viber.com'), 'ViberVoip');
  assert.equal(app('telegram.org'), 'TelegramVoip');
  assert.equal(app('line.me'), 'LineCall');
  assert.equal(app('kakao.com'), 'KakaoTalk_Voice');
  assert.equal(app('turn.example.org'), null);
});

test('private attributes 0x4000–0x4003, unpadded, name WhatsApp calls', () => {
  const r = identify([{ dir: 0, payload: ALLOC_PRIVATE }], { transport: 'udp', serverPort: 3478 });
  assert.equal(r['application'], 'WhatsAppCall');
});

test('STUN over TCP, back to back in one segment, and with RFC 4571 framing', () => {
  const both = new Uint8Array(BINDING.length * 2);
  both.set(BINDING);
  both.set(BINDING, BINDING.length);
  assert.equal(identify([{ dir: 0, payload: both }, { dir: 1, payload: BINDING_OK }], { transport: 'tcp', serverPort: 3478 })['protocol'], 'STUN');
  const framed = new Uint8Array(2 + ALLOC_401.length);
  framed.set([0, ALLOC_401.length]);
  framed.set(ALLOC_401, 2);
  const r = identify([{ dir: 1, payload: framed }], { transport: 'tcp', serverPort: 443 });
  assert.equal(r['application'], 'SignalVoip');
});

test('parser: lengths, classic STUN, ChannelData', () => {
  assert.equal(readStun(BINDING, 0, BINDING.length, true)?.classic, false);
  // cut short by the snap length: with the magic cookie, what is there is read
  assert.deepEqual(readStun(BINDING_OK, 0, BINDING_OK.length - 4, true)?.attrs, [0x0020, 0x8022]);
  // RFC 3489: no cookie, 16-byte transaction id, a known message type
  const classic = hex('0101 0008 00112233445566778899aabbccddeeff 0001 0004 01020304');
  assert.equal(readStun(classic, 0, classic.length, true)?.classic, true);
  assert.equal(readStun(classic, 0, classic.length - 1, true), null);
  const unknownClassic = Uint8Array.from(classic);
  unknownClassic[1] = 0x03;
  assert.equal(readStun(unknownClassic, 0, unknownClassic.length, true), null);
  assert.equal(channelDataSize(hex('4001 0003 aabbcc'), 0, 7), 7);
  assert.equal(channelDataSize(hex('5001 0003 aabbcc'), 0, 7), 0);
  assert.equal(applicationOf(readStun(BINDING_OK, 0, BINDING_OK.length, true)!), null);
});

test('not STUN: other UDP payloads', () => {
  const r = identify([{ dir: 0, payload: hex('0001 0000 deadbeef 0000') }], { transport: 'udp', serverPort: 3478 });
  assert.notEqual(r['confidence'], 'dpi');
});

test('fuzz: mutated messages never throw', () => {
  const rnd = seededRandom(3478);
  const seeds = [BINDING_OK, ALLOC_401, ALLOC_PRIVATE];
  for (let k = 0; k < 5000; k++) {
    const m = mutate(seeds[k % 3]!, rnd);
    const s = readStun(m, 0, m.length, k % 2 === 0);
    if (s) applicationOf(s);
    channelDataSize(m, 0, m.length);
  }
  for (let k = 0; k < 100; k++) identify([{ dir: 0, payload: mutate(BINDING, rnd) }, { dir: 1, payload: mutate(ALLOC_401, rnd) }], { transport: 'tcp', serverPort: 3478 });
});

test("a STUN flow to a call provider's relays is that provider's call; the owner is reported either way", () => {
  const google = identify([{ dir: 0, payload: BINDING }, { dir: 1, payload: BINDING_OK }], { transport: 'udp', serverPort: 19302, server: '142.250.82.76' });
  assert.equal(google['protocol'], 'STUN');
  assert.equal(google['application'], 'GoogleCall');
  assert.equal(google['confidence'], 'ip');
  assert.equal(google['address_application'], 'Google');
  // an owner without a call service of its own names nothing
  const aws = identify([{ dir: 0, payload: BINDING }, { dir: 1, payload: BINDING_OK }], { transport: 'udp', serverPort: 3478, server: '52.0.252.145' });
  assert.equal(aws['application'], null);
  assert.equal(aws['address_application'], 'AmazonAWS');
  assert.equal(aws['confidence'], 'dpi');
});

test('media flows of one client socket share the application a TURN realm named (socket-cache)', () => {
  const socket = { transport: 'udp' as const, clientPort: 40001 };
  const frames = [
    ...conversationFrames([{ dir: 0, payload: BINDING }, { dir: 1, payload: ALLOC_401 }], { ...socket, serverPort: 3478, server: '203.0.113.7' }),
    ...conversationFrames([{ dir: 0, payload: BINDING }, { dir: 1, payload: BINDING_OK }], { ...socket, serverPort: 443, server: '203.0.113.7' }),
    ...conversationFrames([{ dir: 0, payload: BINDING }, { dir: 1, payload: BINDING_OK }], { ...socket, serverPort: 19302, server: '142.250.82.76' }),
    // another socket of the same host is another call
    ...conversationFrames([{ dir: 0, payload: BINDING }, { dir: 1, payload: BINDING_OK }], { transport: 'udp', clientPort: 40002, serverPort: 3478, server: '203.0.113.8' }),
  ];
  const byPort = new Map(analyzeFrames(frames).map((r) => [`${r['sport']}>${r['dport']}`, r]));
  assert.equal(byPort.get('40001>3478')?.['application'], 'SignalVoip');
  assert.equal(byPort.get('40001>3478')?.['confidence'], 'dpi');
  assert.equal(byPort.get('40001>443')?.['application'], 'SignalVoip');
  assert.equal(byPort.get('40001>443')?.['confidence'], 'socket-cache');
  // the socket's call wins over the relay owner's own call service
  assert.equal(byPort.get('40001>19302')?.['application'], 'SignalVoip');
  assert.equal(byPort.get('40002>3478')?.['application'], null);
});
