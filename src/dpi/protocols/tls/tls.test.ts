import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conversationFrames, analyzeFrames, identify } from '../../../test-support/dpi-test-kit.js';
import { mutate, seededRandom } from '../../../test-support/prng.js';
import { isWeakCipher } from './ciphers.js';
import {
  alpnExt, bytes, certificate, certificateBody, clientHelloBody, emptyExt, groupsExt, handshake, pointFormatsExt, record,
  serverHelloBody, sigAlgsExt, sniExt, supportedVersionsExt, type Bytes, type CertSpec,
} from '../../../test-support/tls-hello.js';
import { nameMatches, parseCertificate } from './x509.js';

// identify() stamps packets from 1_700_000_000 s (2023-11-14): certificates below are valid then
// unless a test says otherwise.

const CH13: Bytes = handshake(1, clientHelloBody({
  ciphers: [0x0a0a, 0x1301, 0x1302, 0xc02f],
  extensions: [
    sniExt('www.example.com'), // server_name
    alpnExt(['h2', 'http/1.1']),
    groupsExt([0x001d, 0x0017]),
    pointFormatsExt([0]),
    sigAlgsExt([0x0403, 0x0804]),
    supportedVersionsExt([0x0304, 0x0303]),
  ],
}));

const chTls12 = (sni: string | null, alpn?: string[]): Bytes => handshake(1, clientHelloBody({
  ciphers: [0xc02f, 0x0035, 0x000a],
  extensions: [...(sni ? [sniExt(sni)] : []), ...(alpn ? [alpnExt(alpn)] : []), groupsExt([0x0017]), sigAlgsExt([0x0401])],
}));

const sh = (version: number, cipher: number, alpn?: string): Bytes => handshake(2, serverHelloBody({
  version: version >= 0x0304 ? 0x0303 : version,
  cipher,
  extensions: [
    ...(version >= 0x0304 ? [supportedVersionsExt([]).slice(0, 4).concat([0x03, 0x04])] : []),
    ...(alpn ? [alpnExt([alpn])] : []),
    emptyExt(0xff01, [0x00]),
  ],
}));
// ServerHello supported_versions is a bare u16 (not a list): build it by hand
const sh13 = (cipher: number): Bytes => handshake(2, serverHelloBody({ cipher, extensions: [[0x00, 0x2b, 0x00, 0x02, 0x03, 0x04], emptyExt(0x0033, [0x00, 0x1d, 0x00, 0x00])] }));

const CERT: CertSpec = { subjectCn: 'www.example.com', issuerCn: 'Example CA', notBefore: '230101000000Z', notAfter: '241231235959Z', san: ['www.example.com', '*.example.org'] };
const certMsg = (c: CertSpec = CERT): Bytes => handshake(11, certificateBody([certificate(c), certificate({ ...c, subjectCn: 'Example CA' })]));
const DONE = handshake(14, []);

/** a TLS 1.2 server flight in one record: ServerHello, Certificate, ServerHelloDone */
const flight12 = (c: CertSpec = CERT, cipher = 0xc02f, version = 0x0303, alpn?: string): Bytes =>
  record(22, [...sh(version, cipher, alpn), ...certMsg(c), ...DONE], 0x0303);

test('TLS 1.3: ClientHello names the flow; SNI, ALPN, JA3/JA4; ServerHello gives version and cipher', () => {
  const r = identify([
    { dir: 0, payload: bytes(record(22, CH13)) },
    { dir: 1, payload: bytes([...record(22, sh13(0x1301), 0x0303), ...record(20, [1], 0x0303), ...record(23, [1, 2, 3], 0x0303)]) },
  ], { transport: 'tcp', serverPort: 443 });
  assert.equal(r['protocol'], 'TLS');
  assert.equal(r['confidence'], 'dpi');
  assert.equal(r['hostname'], 'www.example.com');
  assert.deepEqual(r['alpn'], ['h2', 'http/1.1']);
  assert.match(r['ja4'] as string, /^t13d0306h2_[0-9a-f]{12}_[0-9a-f]{12}$/);
  assert.match(r['ja3'] as string, /^[0-9a-f]{32}$/);
  assert.match(r['ja3s'] as string, /^[0-9a-f]{32}$/);
  const tls = r['tls'] as Record<string, unknown>;
  assert.equal(tls['version'], 'TLSv1.3');
  assert.equal(tls['cipher'], 'TLS_AES_128_GCM_SHA256');
  assert.equal(tls['sni'], 'www.example.com');
  assert.equal(tls['ja3s'], r['ja3s']);
  assert.deepEqual(r['risks'], []);
  assert.equal(r['dpi_packets'], 5); // SYN, SYN-ACK, ACK, ClientHello, ServerHello: done
});

test('TLS 1.2: records split across segments, messages sharing a record; certificate fields', () => {
  const client = bytes(record(22, chTls12('www.example.com', ['http/1.1'])));
  const server = bytes(flight12(CERT, 0xc02f, 0x0303, 'http/1.1'));
  const r = identify([
    { dir: 0, payload: client.subarray(0, 3) }, // record header cut after the version
    { dir: 0, payload: client.subarray(3, 60) },
    { dir: 0, payload: client.subarray(60) },
    { dir: 1, payload: server.subarray(0, 100) },
    { dir: 1, payload: server.subarray(100, 400) },
    { dir: 1, payload: server.subarray(400) },
  ], { transport: 'tcp', serverPort: 443 });
  assert.equal(r['protocol'], 'TLS');
  assert.equal(r['hostname'], 'www.example.com');
  assert.match(r['ja4'] as string, /^t12d0304h1_/);
  const tls = r['tls'] as Record<string, unknown>;
  assert.equal(tls['version'], 'TLSv1.2');
  assert.equal(tls['cipher'], 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
  assert.equal(tls['alpn_server'], 'http/1.1');
  assert.equal(tls['subject'], 'www.example.com');
  assert.equal(tls['issuer'], 'Example CA');
  assert.deepEqual(tls['server_names'], ['www.example.com', '*.example.org']);
  assert.equal(tls['not_before'], Date.UTC(2023, 0, 1) / 1000);
  assert.equal(tls['not_after'], Date.UTC(2024, 11, 31, 23, 59, 59) / 1000);
  assert.deepEqual(r['risks'], []);
});

test('a handshake message spanning two records is reassembled', () => {
  const ch = chTls12('split.example.net');
  const r = identify([
    { dir: 0, payload: bytes([...record(22, ch.slice(0, 20)), ...record(22, ch.slice(20))]) },
  ], { transport: 'tcp', serverPort: 443 });
  assert.equal(r['hostname'], 'split.example.net');
  assert.equal(r['protocol'], 'TLS');
});

test('risks: obsolete version, weak cipher, self-signed, expired, mismatch', () => {
  const bad: CertSpec = { subjectCn: 'other.test', issuerCn: 'other.test', notBefore: '200101000000Z', notAfter: '210101000000Z', san: ['other.test'] };
  // self-signed: issuer Name equal to subject Name (the builder adds an O= to issuers, so build it equal)
  const selfSigned = certificate({ ...bad });
  const r = identify([
    { dir: 0, payload: bytes(record(22, chTls12('www.example.com'))) },
    { dir: 1, payload: bytes(record(22, [...sh(0x0301, 0x0005), ...handshake(11, certificateBody([selfSigned])), ...DONE])) },
  ], { transport: 'tcp', serverPort: 443 });
  const risks = r['risks'] as string[];
  assert.ok(risks.includes('obsolete_tls_version'), risks.join());
  assert.ok(risks.includes('weak_tls_cipher'));
  assert.ok(risks.includes('expired_certificate'));
  assert.ok(risks.includes('certificate_mismatch'));
  assert.ok(risks.includes('tls_not_carrying_https')); // a TLS 1.2 client without ALPN
  assert.equal((r['tls'] as Record<string, unknown>)['version'], 'TLSv1');
  assert.equal((r['tls'] as Record<string, unknown>)['cipher'], 'TLS_RSA_WITH_RC4_128_SHA');
});

test('self-signed certificate and missing SNI', () => {
  // subject and issuer both "CN=self" (issuer without the builder's O=): craft via same spec trick
  const c = certificate({ subjectCn: 'self', issuerCn: 'self', notBefore: '230101000000Z', notAfter: '251231000000Z' });
  const info = parseCertificate(bytes(c), 0, c.length);
  assert.ok(info);
  assert.equal(info.selfIssued, false); // issuer has an O= the subject lacks
  const r = identify([
    { dir: 0, payload: bytes(record(22, chTls12(null, ['h2']))) },
    { dir: 1, payload: bytes(flight12({ subjectCn: 'x', issuerCn: 'x', notBefore: '230101000000Z', notAfter: '251231000000Z' })) },
  ], { transport: 'tcp', serverPort: 443 });
  assert.deepEqual(r['risks'], ['missing_sni']);
  assert.equal(r['hostname'], null);
  assert.match(r['ja4'] as string, /^t12i0303h2_/); // FoxIO: 'i' without SNI, first and last character of "h2"
});

test('self-signed: subject Name equal to issuer Name', () => {
  // hand-built certificate whose issuer and subject are the same Name
  const c = certificate({ subjectCn: 'same', issuerCn: 'same', notBefore: '230101000000Z', notAfter: '251231000000Z' });
  // replace the issuer (which carries O=Issuer Org) by the subject Name: parse offsets via the reader
  const info = parseCertificate(bytes(c), 0, c.length)!;
  assert.equal(info.subjectCn, 'same');
  assert.equal(info.issuerCn, 'same');
  const selfSigned = selfSignedCertificate('localhost');
  const r = identify([
    { dir: 0, payload: bytes(record(22, chTls12('localhost', ['h2']))) },
    { dir: 1, payload: bytes(record(22, [...sh(0x0303, 0xc02f), ...handshake(11, certificateBody([selfSigned])), ...DONE], 0x0303)) },
  ], { transport: 'tcp', serverPort: 443 });
  assert.deepEqual(r['risks'], ['self_signed_certificate']);
});

/** a certificate with byte-identical issuer and subject Names (CN only) */
function selfSignedCertificate(cn: string): Bytes {
  // minimal TBSCertificate by hand (RFC 5280 §4.1): version, serial, alg, issuer, validity, subject, spki
  const der = (tag: number, body: Bytes): Bytes => (body.length < 128 ? [tag, body.length, ...body] : [tag, 0x81, body.length, ...body]);
  const str = (s: string): Bytes => Array.from(s, (ch) => ch.charCodeAt(0));
  const name = der(0x30, der(0x31, der(0x30, [0x06, 0x03, 0x55, 0x04, 0x03, ...der(0x0c, str(cn))])));
  const alg = der(0x30, [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00]);
  const validity = der(0x30, [...der(0x17, str('230101000000Z')), ...der(0x17, str('251231000000Z'))]);
  const spki = der(0x30, [...alg, ...der(0x03, [0x00, 0x01])]);
  const tbs = der(0x30, [...der(0xa0, [0x02, 0x01, 0x02]), 0x02, 0x01, 0x01, ...alg, ...name, ...validity, ...name, ...spki]);
  const body = [...tbs, ...alg, ...der(0x03, [0x00, 0xaa])];
  return body.length < 256 ? [0x30, 0x81, body.length, ...body] : [0x30, 0x82, body.length >> 8, body.length & 0xff, ...body];
}

test("AnyDesk: a certificate named 'AnyDesk Client' names the application", () => {
  const ad = selfSignedCertificate('AnyDesk Client');
  const r = identify([
    { dir: 0, payload: bytes(record(22, chTls12(null))) },
    { dir: 1, payload: bytes(record(22, [...sh(0x0303, 0xc02f), ...handshake(11, certificateBody([ad])), ...DONE], 0x0303)) },
  ], { transport: 'tcp', serverPort: 7070 });
  assert.equal(r['protocol'], 'TLS');
  assert.equal(r['application'], 'AnyDesk');
  assert.equal(r['category'], 'RemoteAccess');
  // the issuer alone says so as well (builder: CN=AnyDesk Client, O=Issuer Org)
  const issued = certificate({ subjectCn: 'peer', issuerCn: 'AnyDesk Client', notBefore: '230101000000Z', notAfter: '251231000000Z' });
  const r2 = identify([
    { dir: 0, payload: bytes(record(22, chTls12(null))) },
    { dir: 1, payload: bytes(record(22, [...sh(0x0303, 0xc02f), ...handshake(11, certificateBody([issued])), ...DONE], 0x0303)) },
  ], { transport: 'tcp', serverPort: 443 });
  assert.equal(r2['application'], 'AnyDesk');
  // must refuse: a CN that only resembles it
  const near = certificate({ subjectCn: 'AnyDesk Client 2', issuerCn: 'anydesk client', notBefore: '230101000000Z', notAfter: '251231000000Z' });
  const r3 = identify([
    { dir: 0, payload: bytes(record(22, chTls12(null))) },
    { dir: 1, payload: bytes(record(22, [...sh(0x0303, 0xc02f), ...handshake(11, certificateBody([near])), ...DONE], 0x0303)) },
  ], { transport: 'tcp', serverPort: 443 });
  assert.notEqual(r3['application'], 'AnyDesk');
});

test("Tor: a made-up www.<base32>.com server name without ALPN, or a relay's made-up certificate names", () => {
  const client = (sni: string, alpn?: string[]): unknown => identify([{ dir: 0, payload: bytes(record(22, chTls12(sni, alpn))) }], { transport: 'tcp', serverPort: 9001 })['application'];
  assert.equal(client('www.ct7ctrgb6cr7.com'), 'Tor');
  assert.equal(client('www.t3i3ru.com'), 'Tor');
  // a browser's ALPN, a real-looking name without digits, other top-level domains, digits outside base32
  assert.notEqual(client('www.ct7ctrgb6cr7.com', ['h2', 'http/1.1']), 'Tor');
  assert.notEqual(client('www.example.com'), 'Tor');
  assert.notEqual(client('www.ct7ctrgb6cr7.org'), 'Tor');
  assert.notEqual(client('www.web1089.com'), 'Tor');
  assert.notEqual(client('mail.ct7ctrgb6cr7.com'), 'Tor');
  const server = (subjectCn: string, issuerCn: string): unknown => identify([
    { dir: 0, payload: bytes(record(22, chTls12(null))) },
    { dir: 1, payload: bytes(record(22, [...sh(0x0303, 0xc02f), ...handshake(11, certificateBody([certificate({ subjectCn, issuerCn, notBefore: '230101000000Z', notAfter: '251231000000Z' })])), ...DONE], 0x0303)) },
  ], { transport: 'tcp', serverPort: 443 })['application'];
  assert.equal(server('www.g6ghvisevf3ibuu5.net', 'www.xkgk7fdx362yyyxib.com'), 'Tor');
  assert.notEqual(server('www.g6ghvisevf3ibuu5.com', 'www.xkgk7fdx362yyyxib.net'), 'Tor');
  assert.notEqual(server('www.example.net', 'www.example.com'), 'Tor');
});

test('wrapped protocols by port: IMAPS, POPS, SMTPS, FTPS; DoT is TLS.DoH_DoT', () => {
  const run = (port: number): Record<string, unknown> => identify([{ dir: 0, payload: bytes(record(22, chTls12('mail.example.com'))) }], { transport: 'tcp', serverPort: port });
  assert.equal(run(993)['protocol'], 'IMAPS');
  assert.equal(run(995)['protocol'], 'POP3S');
  assert.equal(run(465)['protocol'], 'SMTPS');
  assert.equal(run(990)['protocol'], 'FTPS');
  const dot = run(853);
  assert.equal(dot['protocol'], 'TLS');
  assert.equal(dot['application'], 'DoH_DoT');
  assert.equal(run(8443)['protocol'], 'TLS');
});

test('a long certificate chain: the first certificate is read before the message ends', () => {
  const big = certificate({ ...CERT, san: Array.from({ length: 40 }, (_, i) => `host${i}.example.com`).concat(['www.example.com']) });
  const filler = new Array<number>(9000).fill(0x5a);
  const msg = handshake(11, certificateBody([big, filler]));
  const server = bytes(record(22, [...sh(0x0303, 0xc02f), ...msg], 0x0303));
  const r = identify([
    { dir: 0, payload: bytes(record(22, chTls12('www.example.com', ['h2']))) },
    { dir: 1, payload: server.subarray(0, 1400) },
    { dir: 1, payload: server.subarray(1400, 2800) },
    { dir: 1, payload: server.subarray(2800, 4200) },
  ], { transport: 'tcp', serverPort: 443 });
  const tls = r['tls'] as Record<string, unknown>;
  assert.equal(tls['subject'], 'www.example.com');
  assert.equal((tls['server_names'] as string[]).length, 41);
  assert.deepEqual(r['risks'], []);
});

test('not TLS: a 0x16 first byte without a handshake record', () => {
  const r = identify([{ dir: 0, payload: bytes([0x16, 0x09, 0x09, 0x00, 0x10, ...new Array<number>(16).fill(0)]) }], { transport: 'tcp', serverPort: 443 });
  assert.equal(r['tls'], null);
  assert.notEqual(r['confidence'], 'dpi');
});

test('certificate names: wildcards match one label', () => {
  assert.ok(nameMatches('*.example.com', 'www.example.com'));
  assert.ok(nameMatches('WWW.Example.com', 'www.example.COM'));
  assert.ok(!nameMatches('*.example.com', 'example.com'));
  assert.ok(!nameMatches('*.example.com', 'a.b.example.com'));
  assert.ok(!nameMatches('*.com', 'example.com'));
});

test('weak cipher classification', () => {
  for (const c of [0x0000, 0x0001, 0x0003, 0x0004, 0x0005, 0x0009, 0x000a, 0x0018, 0xc011, 0xc012]) assert.ok(isWeakCipher(c), c.toString(16));
  for (const c of [0x1301, 0xc02f, 0x009c, 0xcca8, 0x002f, 0x00ff]) assert.ok(!isWeakCipher(c), c.toString(16));
});

test('X.509 reader: GeneralizedTime, truncation and garbage never throw', () => {
  const c = certificate({ ...CERT, generalizedAfter: true, notAfter: '20510101000000Z' });
  const info = parseCertificate(bytes(c), 0, c.length)!;
  assert.equal(info.notAfter, Date.UTC(2051, 0, 1) / 1000);
  for (let n = 0; n < c.length; n++) parseCertificate(bytes(c), 0, n);
  const rnd = seededRandom(7);
  for (let k = 0; k < 3000; k++) {
    const m = mutate(bytes(c), rnd);
    parseCertificate(m, 0, m.length);
  }
});

test('fuzz: mutated conversations never throw through the engine', () => {
  const rnd = seededRandom(99);
  const client = bytes(record(22, chTls12('www.example.com', ['h2'])));
  const server = bytes(flight12());
  for (let k = 0; k < 300; k++) {
    const c = mutate(client, rnd);
    const s = mutate(server, rnd);
    const cut = Math.floor(rnd() * c.length);
    const frames = conversationFrames([
      { dir: 0, payload: c.subarray(0, cut).length ? c.subarray(0, cut) : c },
      { dir: 0, payload: c.subarray(cut).length ? c.subarray(cut) : c },
      { dir: 1, payload: s },
    ], { transport: 'tcp', serverPort: 443 });
    const records = analyzeFrames(frames);
    assert.equal(records.length, 1);
  }
});

test('a whole ClientHello that does not parse inside (odd cipher-suite length) is still TLS, with malformed_packet', () => {
  const body: Bytes = [
    0x03, 0x01, // legacy version
    ...new Array<number>(32).fill(7), // random
    0x00, // session id: empty
    0x00, 0x03, 0x00, 0x2f, 0x00, // cipher suites: 3 bytes, which no list of 16-bit suites can be
    0x01, 0x00, // compression: null
  ];
  const r = identify([{ dir: 0, payload: bytes(record(22, handshake(1, body))) }], { transport: 'tcp', serverPort: 443 });
  assert.equal(r['protocol'], 'TLS');
  assert.ok((r['risks'] as string[]).includes('malformed_packet'));
  assert.equal(r['ja4'], null);
  // a record that is not a ClientHello's size at all stays unnamed
  const tiny = identify([{ dir: 0, payload: bytes(record(22, handshake(1, [0x03, 0x01, 0x00]))) }], { transport: 'tcp', serverPort: 443 });
  assert.notEqual(tiny['confidence'], 'dpi');
});

test("TLS without a server name is not named after the server's address owner (reported apart)", () => {
  const r = identify([{ dir: 0, payload: bytes(record(22, chTls12(null))) }], { transport: 'tcp', serverPort: 443, server: '142.250.82.76' });
  assert.equal(r['protocol'], 'TLS');
  assert.equal(r['application'], null);
  assert.equal(r['address_application'], 'Google');
  assert.equal(r['confidence'], 'dpi');
});

test('Encrypted Client Hello (extension 0xfe0d): tls.ech is true, the SNI is the outer name; absent without it', () => {
  const withEch = handshake(1, clientHelloBody({
    ciphers: [0x1301, 0x1302],
    extensions: [sniExt('public.example.net'), alpnExt(['h2']), supportedVersionsExt([0x0304]), emptyExt(0xfe0d, [0x00, 0x00, 0x01, 0x00, 0x01, 0x07, 0x00, 0x00, 0x00, 0x00])],
  }));
  const ech = identify([{ dir: 0, payload: bytes(record(22, withEch)) }], { transport: 'tcp', serverPort: 443 });
  const tls = ech['tls'] as Record<string, unknown>;
  assert.equal(tls['ech'], true);
  assert.equal(tls['sni'], 'public.example.net');
  const plain = identify([{ dir: 0, payload: bytes(record(22, CH13)) }], { transport: 'tcp', serverPort: 443 });
  assert.equal((plain['tls'] as Record<string, unknown>)['ech'] ?? null, null);
});
