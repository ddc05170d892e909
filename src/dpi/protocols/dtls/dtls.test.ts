import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identify } from '../../../test-support/dpi-test-kit.js';
import { mutate, seededRandom } from '../../../test-support/prng.js';
import {
  alpnExt, bytes, clientHelloBody, groupsExt, serverHelloBody, sigAlgsExt, sniExt, u16, u24, type Bytes,
} from '../../../test-support/tls-hello.js';
import { DtlsReader } from './reassembly.js';

/** DTLS record: type, version, epoch 0, 48-bit sequence number, length, fragment */
const dtlsRecord = (type: number, body: Bytes, seq = 0, version = 0xfefd): Bytes =>
  [type, ...u16(version), 0x00, 0x00, 0, 0, 0, 0, 0, seq, ...u16(body.length), ...body];

/** DTLS handshake fragment: type, length, message_seq, fragment_offset, fragment_length, bytes */
const fragment = (type: number, body: Bytes, seq: number, from: number, to: number): Bytes =>
  [type, ...u24(body.length), ...u16(seq), ...u24(from), ...u24(to - from), ...body.slice(from, to)];

const CH = clientHelloBody({
  version: 0xfefd,
  cookie: [],
  ciphers: [0xc02b, 0xc02f, 0x00ff],
  extensions: [sniExt('media.example.com'), alpnExt(['webrtc', 'c-webrtc']), groupsExt([0x001d]), sigAlgsExt([0x0403])],
});

test('DTLS: ClientHello reassembled from fragments in two datagrams (out of order)', () => {
  const half = 60;
  const shBody = serverHelloBody({ version: 0xfefd, cipher: 0xc02b });
  const r = identify([
    { dir: 0, payload: bytes(dtlsRecord(22, fragment(1, CH, 0, half, CH.length), 1)) },
    { dir: 0, payload: bytes(dtlsRecord(22, fragment(1, CH, 0, 0, half), 0)) },
    { dir: 1, payload: bytes(dtlsRecord(22, fragment(2, shBody, 0, 0, shBody.length), 0)) },
  ], { transport: 'udp', serverPort: 5684 });
  assert.equal(r['protocol'], 'DTLS');
  assert.equal(r['hostname'], 'media.example.com');
  assert.match(r['ja4'] as string, /^dd2d0304wc_[0-9a-f]{12}_[0-9a-f]{12}$/);
  assert.deepEqual(r['alpn'], ['webrtc', 'c-webrtc']);
  assert.equal((r['dtls'] as Record<string, unknown>)['cipher'], 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
});

test('DTLS: ServerHello version and cipher; DTLS 1.0 is obsolete', () => {
  const ch = clientHelloBody({ version: 0xfeff, ciphers: [0x002f, 0x0005] });
  const shBody = serverHelloBody({ version: 0xfeff, cipher: 0x0005 });
  const r = identify([
    { dir: 0, payload: bytes(dtlsRecord(22, fragment(1, ch, 0, 0, ch.length), 0, 0xfeff)) },
    { dir: 1, payload: bytes([...dtlsRecord(22, fragment(2, shBody, 0, 0, shBody.length), 0, 0xfeff), ...dtlsRecord(22, fragment(14, [], 1, 0, 0), 1, 0xfeff)]) },
  ], { transport: 'udp', serverPort: 4433 });
  assert.equal(r['protocol'], 'DTLS');
  assert.match(r['ja4'] as string, /^dd1i020000_/);
  const dtls = r['dtls'] as Record<string, unknown>;
  assert.equal(dtls['version'], 'DTLSv1.0');
  assert.equal(dtls['cipher'], 'TLS_RSA_WITH_RC4_128_SHA');
  const risks = r['risks'] as string[];
  assert.ok(risks.includes('obsolete_tls_version'));
  assert.ok(risks.includes('weak_tls_cipher'));
});

test('not DTLS: a 0x16 datagram with another version', () => {
  const r = identify([{ dir: 0, payload: bytes([22, 0x03, 0x03, ...new Array<number>(40).fill(0)]) }], { transport: 'udp', serverPort: 4433 });
  assert.equal(r['dtls'], null);
});

test('DTLS reader: retransmitted and overlapping fragments, hostile input', () => {
  const rd = new DtlsReader();
  const a = bytes(dtlsRecord(22, fragment(1, CH, 0, 0, 50)));
  const b = bytes(dtlsRecord(22, fragment(1, CH, 0, 40, CH.length)));
  assert.equal(rd.feed(a, 0, a.length).length, 0);
  assert.equal(rd.feed(a, 0, a.length).length, 0);
  const done = rd.feed(b, 0, b.length);
  assert.equal(done.length, 1);
  assert.deepEqual(Array.from(done[0]!.body), CH);
  assert.equal(rd.feed(b, 0, b.length).length, 0); // retransmission after completion
  const rnd = seededRandom(5);
  const seed = bytes([...dtlsRecord(22, fragment(1, CH, 0, 0, CH.length))]);
  for (let k = 0; k < 3000; k++) {
    const m = mutate(seed, rnd);
    new DtlsReader().feed(m, 0, m.length);
  }
});
