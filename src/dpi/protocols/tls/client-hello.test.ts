import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom, mutate } from '../../../test-support/prng.js';
import { type ClientHello, isGrease, ja3, ja3String, ja4, ja4Parts, parseClientHelloBody } from './client-hello.js';
import {
  alpnExt, bytes, clientHelloBody, emptyExt, groupsExt, pointFormatsExt, sigAlgsExt, sniExt, supportedVersionsExt,
} from '../../../test-support/tls-hello.js';

const parse = (b: number[]): ClientHello => {
  const ch = parseClientHelloBody(bytes(b), 0, b.length);
  assert.ok(ch, 'ClientHello parses');
  return ch;
};

// The ClientHello of FoxIO's JA4 example (technical_details/JA4.md): a Chrome-like TLS 1.3 hello
// with GREASE cipher and extensions, 15 ciphers, 16 extensions, ALPN h2.
const FOXIO_CIPHERS = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035];
const FOXIO_SIGALGS = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601];
function foxioHello(): number[] {
  return clientHelloBody({
    ciphers: [0x3a3a /* GREASE */, ...FOXIO_CIPHERS],
    extensions: [
      emptyExt(0x8a8a), // GREASE
      emptyExt(0x001b, [0x02, 0x00, 0x02]), // compress_certificate: brotli
      sniExt('www.example.com'), // 0000
      emptyExt(0x0033, [0x00, 0x00]), // key_share (empty list)
      alpnExt(['h2', 'http/1.1']), // 0010
      emptyExt(0x4469), // application_settings
      emptyExt(0x0017), // extended_master_secret
      emptyExt(0x002d, [0x01, 0x01]), // psk_key_exchange_modes
      sigAlgsExt(FOXIO_SIGALGS), // 000d
      emptyExt(0x0005, [0x01, 0x00, 0x00, 0x00, 0x00]), // status_request
      emptyExt(0x0023), // session_ticket
      emptyExt(0x0012), // signed_certificate_timestamp
      supportedVersionsExt([0x7a7a /* GREASE */, 0x0304, 0x0303]), // 002b
      emptyExt(0xff01, [0x00]), // renegotiation_info
      pointFormatsExt([0x00]), // 000b
      groupsExt([0x9a9a /* GREASE */, 0x001d, 0x0017, 0x0018]), // 000a
      emptyExt(0x0015, [0, 0, 0, 0]), // padding
      emptyExt(0xbaba, [0x00]), // GREASE
    ],
  });
}

test("JA4: FoxIO's published example (JA4.md) — t13d1516h2_8daaf6152771_e5627efa2ab1", () => {
  const ch = parse(foxioHello());
  assert.equal(ch.sni, 'www.example.com');
  assert.deepEqual(ch.alpn, ['h2', 'http/1.1']);
  assert.deepEqual(ch.supportedVersions, [0x7a7a, 0x0304, 0x0303]);
  assert.equal(ch.ciphers.length, 16);
  assert.equal(ch.extensions.length, 18);
  const [a, b, c] = ja4Parts(ch, 't');
  assert.equal(a, 't13d1516h2');
  assert.equal(b, '002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9');
  assert.equal(c, '0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601');
  assert.equal(ja4(ch, 't'), 't13d1516h2_8daaf6152771_e5627efa2ab1');
  assert.equal(ja4(ch, 'q'), 'q13d1516h2_8daaf6152771_e5627efa2ab1');
});

test('JA4: without signature algorithms the extension list alone is hashed (JA4.md: 6d807ffa2a79)', () => {
  const ch = parse(foxioHello());
  ch.signatureAlgorithms = [];
  assert.equal(ja4(ch, 't').split('_')[2], '6d807ffa2a79');
});

test('JA4: no SNI, no ALPN, no ciphers, no extensions, versions', () => {
  const bare = parse(clientHelloBody({ version: 0x0301, ciphers: [] }));
  assert.equal(ja4(bare, 't', 'foxio'), 't10i000000_000000000000_000000000000');
  // nDPI: 'd' without SNI, and empty lists hashed (sha256 of '' starts e3b0c44298fc)
  assert.equal(ja4(bare, 't', 'ndpi'), 't10d000000_e3b0c44298fc_e3b0c44298fc');
  assert.equal(ja4(bare, 't'), ja4(bare, 't', 'foxio'), 'sonde reports the FoxIO form by default');
  const ipSni = parse(clientHelloBody({ ciphers: [0x1301], extensions: [sniExt('192.0.2.1')] }));
  assert.match(ja4(ipSni, 't', 'ndpi'), /^t12i0101/);
  assert.match(ja4(ipSni, 't', 'foxio'), /^t12d0101/);
  const ssl3 = parse(clientHelloBody({ version: 0x0300, ciphers: [0x000a] }));
  assert.match(ja4(ssl3, 't', 'foxio'), /^ts3i0100/);
  const odd = parse(clientHelloBody({ version: 0x0399, ciphers: [0x000a] }));
  assert.match(ja4(odd, 't', 'foxio'), /^t00i0100/);
  const dtls = parse(clientHelloBody({ version: 0xfefd, ciphers: [0xc02b], cookie: [1, 2, 3], extensions: [sniExt('a.b')] }));
  assert.equal(dtls.sni, 'a.b');
  assert.match(ja4(dtls, 'd', 'ndpi'), /^dd2d010100_/);
  const dtls13 = parse(clientHelloBody({ version: 0xfefd, ciphers: [0x1301], extensions: [supportedVersionsExt([0xfefc, 0xfefd])] }));
  assert.match(ja4(dtls13, 'd', 'foxio'), /^dd3i0101/);
});

test('JA4: ALPN characters (first/last alphanumeric, else hex digits)', () => {
  const code = (alpn: string[], style: 'foxio' | 'ndpi' = 'foxio'): string =>
    ja4(parse(clientHelloBody({ ciphers: [0x1301], extensions: [alpnExt(alpn)] })), 't', style).slice(8, 10);
  assert.equal(code(['http/1.1']), 'h1');
  assert.equal(code(['h2']), 'h2');
  assert.equal(code(['h']), 'hh');
  assert.equal(code(['']), '00');
  assert.equal(code(['\xab']), 'ab');
  assert.equal(code(['\xab\xcd']), 'ad');
  assert.equal(code(['0\xab']), '3b');
  assert.equal(code(['01\xab\xcd']), '3d');
  assert.equal(code(['0\xab\xcd1']), '01');
  // nDPI's reading: the first two characters of the comma-joined list
  assert.equal(code(['http/1.1'], 'ndpi'), 'ht');
  assert.equal(code(['h2', 'http/1.1'], 'ndpi'), 'h2');
  assert.equal(code(['h2'], 'ndpi'), 'h0');
  assert.equal(code(['h3-29'], 'ndpi'), 'h3');
  assert.equal(code([], 'ndpi'), '00');
});

test('JA3: Salesforce README vectors', () => {
  const full = parse(clientHelloBody({
    version: 769,
    ciphers: [47, 53, 5, 10, 49161, 49162, 49171, 49172, 50, 56, 19, 4],
    extensions: [sniExt('x.org'), groupsExt([23, 24, 25]), pointFormatsExt([0])],
  }));
  assert.equal(ja3String(full), '769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0');
  assert.equal(ja3(full), 'ada70206e40642a3e4461f35503241d5');
  const bare = parse(clientHelloBody({ version: 769, ciphers: [4, 5, 10, 9, 100, 98, 3, 6, 19, 18, 99] }));
  assert.equal(ja3String(bare), '769,4-5-10-9-100-98-3-6-19-18-99,,,');
  assert.equal(ja3(bare), 'de350869b8c85de67a350c8d186f11e6');
});

test('JA3: GREASE is removed everywhere', () => {
  const ch = parse(foxioHello());
  assert.equal(ja3String(ch),
    '771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,' +
    '27-0-51-16-17513-23-45-13-5-35-18-43-65281-11-10-21,29-23-24,0');
});

test('GREASE values', () => {
  for (let i = 0; i < 16; i++) assert.ok(isGrease(i * 0x1010 + 0x0a0a));
  assert.ok(!isGrease(0x0a1a));
  assert.ok(!isGrease(0x1301));
});

test('ClientHello parser: truncations, hostile lengths, random mutations never throw', () => {
  const good = foxioHello();
  for (let n = 0; n < good.length; n++) {
    const ch = parseClientHelloBody(bytes(good), 0, n);
    if (ch) assert.ok(ch.ciphers.length <= 16);
  }
  // an offset into a larger buffer, with junk either side
  const framed = bytes([9, 9, 9, ...good, 7, 7]);
  assert.equal(parseClientHelloBody(framed, 3, good.length)?.sni, 'www.example.com');
  assert.equal(parseClientHelloBody(framed, -1, 10), null);
  assert.equal(parseClientHelloBody(framed, 3, 1 << 30)?.sni, 'www.example.com');
  const rnd = seededRandom(1234);
  const seed = bytes(good);
  for (let k = 0; k < 5000; k++) {
    const m = mutate(seed, rnd);
    const ch = parseClientHelloBody(m, 0, m.length);
    if (ch) ja4(ch, 't') && ja3(ch);
  }
});
