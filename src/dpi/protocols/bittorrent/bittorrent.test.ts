import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hexBytes as hex, identify } from '../../../test-support/dpi-test-kit.js';
import { mutate, seededRandom } from '../../../test-support/prng.js';
import { matchHandshake, readKrpc, readUtp } from './parser.js';

const enc = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

const INFO_HASH = '0123456789abcdef0123456789abcdef01234567';
const HANDSHAKE = hex(`
  13 426974546f7272656e742070726f746f636f6c   # 19 "BitTorrent protocol"
  0000000000100005                           # reserved (extension bits)
  ${INFO_HASH}                               # info_hash
  2d5452333030302d6162636465666768696a6b6c    # peer id "-TR3000-abcdefghijkl"
`);
// DHT get_peers query (BEP 5)
const GET_PEERS = enc('d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz123456e1:q9:get_peers1:t2:aa1:y1:qe');
// uTP: ST_SYN (type 4, version 1), connection id 0x4567, seq 0x23c6; ST_STATE answering it
const SYN = hex('41 00 4567 ed639296 00000000 00100000 23c6 0000');
const STATE = hex('21 00 4567 ed639341 00000000 00100000 4567 23c6');

test('the peer wire handshake names BitTorrent and the torrent', () => {
  const r = identify([{ dir: 0, payload: HANDSHAKE }], { transport: 'tcp', serverPort: 51413 });
  assert.equal(r['protocol'], 'BitTorrent');
  assert.equal(r['category'], 'P2P');
  assert.deepEqual(r['bittorrent'], { transport: 'tcp', info_hash: INFO_HASH });
});

test('DHT KRPC over UDP, with the info_hash of get_peers', () => {
  const r = identify([{ dir: 0, payload: GET_PEERS }], { transport: 'udp', serverPort: 6881 });
  assert.equal(r['protocol'], 'BitTorrent');
  assert.deepEqual(r['bittorrent'], { transport: 'dht', info_hash: Buffer.from('mnopqrstuvwxyz123456').toString('hex') });
});

test('uTP: a SYN acknowledged by a STATE', () => {
  const r = identify([{ dir: 0, payload: SYN }, { dir: 1, payload: STATE }], { transport: 'udp', serverPort: 40959 });
  assert.equal(r['protocol'], 'BitTorrent');
  assert.deepEqual(r['bittorrent'], { transport: 'utp' });
});

test('uTP mid-flow: DATA packets with steady connection id and advancing seq_nr', () => {
  const data = (seq: number): Uint8Array => hex(`01 00 efcb c0d91a2a c89f62fa 00100000 ${seq.toString(16).padStart(4, '0')} 5d66 aabbccdd`);
  const r = identify([0x5c12, 0x5c13, 0x5c14, 0x5c15].map((s) => ({ dir: 0 as const, payload: data(s) })), { transport: 'udp', serverPort: 6881 });
  assert.equal(r['protocol'], 'BitTorrent');
  // the same header repeated with a fixed sequence number (another protocol) is not uTP
  const same = identify([0, 1, 2, 3].map(() => ({ dir: 0 as const, payload: data(0x1f) })), { transport: 'udp', serverPort: 7000 });
  assert.notEqual(same['protocol'], 'BitTorrent');
});

test('parser edge cases', () => {
  assert.equal(matchHandshake(HANDSHAKE, 0, 5), -1);
  assert.equal(matchHandshake(enc('\x13BitTorrent protocoX'), 0, 20), 0);
  assert.equal(readKrpc(enc('d1:xi1ee'), 0, 8), null);
  assert.equal(readUtp(hex('42 00 4567 ed639296 00000000 00100000 23c6 0000'), 0, 20), null); // version 2
  assert.equal(readUtp(hex('41 01 4567 ed639296 00000000 00100000 23c6 0000'), 0, 20), null); // extension without data
  assert.equal(readUtp(hex('21 01 4567 ed639296 00000000 00100000 23c6 0000 00 04 ffffffff'), 0, 26)?.type, 2); // selective ack
});

test('fuzz: mutated messages never throw', () => {
  const rnd = seededRandom(6881);
  const seeds = [HANDSHAKE, GET_PEERS, SYN, STATE];
  for (let k = 0; k < 5000; k++) {
    const m = mutate(seeds[k % 4]!, rnd);
    matchHandshake(m, 0, m.length);
    readKrpc(m, 0, m.length);
    readUtp(m, 0, m.length);
  }
  for (let k = 0; k < 100; k++) identify([{ dir: 0, payload: mutate(SYN, rnd) }, { dir: 1, payload: mutate(STATE, rnd) }], { transport: 'udp', serverPort: 6881 });
});
