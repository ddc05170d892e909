import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identify } from '../../../test-support/dpi-test-kit.js';
import { mutate, seededRandom } from '../../../test-support/prng.js';
import { ja3, ja4, parseClientHelloBody } from '../tls/client-hello.js';
import { alpnExt, ascii, clientHelloBody, emptyExt, ext, groupsExt, handshake, sigAlgsExt, sniExt, supportedVersionsExt, u16, vec } from '../../../test-support/tls-hello.js';
import { clientInitialKeys, clientInitialSecret, initialType, packetKeys, unprotectLongHeader, V1, V2, versionCrypto, versionName } from './crypto.js';
import { chloSize, gquicStreamFrames, parseChlo } from './gquic.js';
import { concat, cryptoFrame, protectInitial, varint } from './initial-builder.js';
import { CryptoReassembler, parseLongHeader, readVarInt, scanFrames } from './packet.js';
import { CLIENT_FRAMES, DCID, V1_HEADER, V1_PROTECTED, V2_HEADER, V2_PROTECTED } from './rfc-vectors.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const dcid = hex(DCID);
const udp443 = { transport: 'udp' as const, serverPort: 443 };

// --- RFC 9001 Appendix A / RFC 9369 Appendix A ----------------------------------------------

test('RFC 9001 A.1: client Initial secret and keys from DCID 0x8394c8f03e515708', () => {
  const vc = versionCrypto(V1)!;
  const secret = clientInitialSecret(dcid, vc);
  assert.equal(toHex(secret), 'c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea');
  const k = packetKeys(secret, vc);
  assert.equal(toHex(k.key), '1f369613dd76d5467730efcbe3b1a22d');
  assert.equal(toHex(k.iv), 'fa044b2f42a3fd3b46fb255c');
  assert.equal(toHex(k.hp), '9f50449e04a0e810283a1e9933adedd2');
});

test('RFC 9369 A.1: QUIC v2 client Initial secret and keys (v2 salt, "quicv2" labels)', () => {
  const vc = versionCrypto(V2)!;
  const secret = clientInitialSecret(dcid, vc);
  assert.equal(toHex(secret), '14ec9d6eb9fd7af83bf5a668bc17a7e283766aade7ecd0891f70f9ff7f4bf47b');
  const k = packetKeys(secret, vc);
  assert.equal(toHex(k.key), '8b1a0bc121284290a29e0971b5cd045d');
  assert.equal(toHex(k.iv), '91f73e2351d8fa91660e909f');
  assert.equal(toHex(k.hp), '45b95e15235d6f45a6b19cbcb0294ba9');
});

for (const [name, version, prot, header] of [['RFC 9001 A.2 (v1)', V1, V1_PROTECTED, V1_HEADER], ['RFC 9369 A.2 (v2)', V2, V2_PROTECTED, V2_HEADER]] as const) {
  test(`${name}: the protected client Initial unprotects to the published header and frames`, () => {
    const pkt = hex(prot);
    assert.equal(pkt.length, 1200);
    const h = parseLongHeader(pkt, 0, pkt.length, initialType(version))!;
    assert.equal(h.version, version);
    assert.equal(h.type, initialType(version));
    assert.equal(toHex(h.dcid), DCID);
    assert.equal(h.scid.length, 0);
    assert.equal(h.pnOffset, 18);
    assert.equal(h.size, 1200);
    const u = unprotectLongHeader(pkt, 0, h.pnOffset, h.length, clientInitialKeys(h.dcid, versionCrypto(version)!))!;
    assert.ok(u);
    assert.equal(toHex(u.header), header);
    assert.equal(u.packetNumber, 2);
    const frames = hex(CLIENT_FRAMES);
    assert.equal(toHex(u.payload.subarray(0, frames.length)), CLIENT_FRAMES);
    assert.ok(u.payload.subarray(frames.length).every((b) => b === 0), 'the rest is PADDING');
    const scan = scanFrames(u.payload);
    assert.equal(scan.malformed, false);
    assert.equal(scan.fragments.length, 1);
    assert.equal(scan.fragments[0]!.offset, 0);
    assert.equal(scan.fragments[0]!.data.length, 241);
    assert.equal(scan.fragments[0]!.data[0], 1, 'a ClientHello');
  });
}

test('a flipped ciphertext bit or a wrong DCID fails authentication', () => {
  const pkt = hex(V1_PROTECTED);
  const h = parseLongHeader(pkt, 0, pkt.length, 0)!;
  const keys = clientInitialKeys(h.dcid, versionCrypto(V1)!);
  const bad = Uint8Array.from(pkt);
  bad[600] ^= 0x01;
  assert.equal(unprotectLongHeader(bad, 0, h.pnOffset, h.length, keys), null);
  assert.equal(unprotectLongHeader(pkt, 0, h.pnOffset, h.length, clientInitialKeys(hex('0011223344556677'), versionCrypto(V1)!)), null);
});

test('end to end: the RFC 9001 packet names QUIC with the SNI, ALPN, JA4 and version', () => {
  const r = identify([{ dir: 0, payload: hex(V1_PROTECTED) }], udp443);
  assert.equal(r['protocol'], 'QUIC');
  assert.equal(r['confidence'], 'dpi');
  assert.equal(r['hostname'], 'example.com');
  assert.deepEqual(r['alpn'], ['alpn']);
  assert.deepEqual(r['quic'], { version: 'v1', sni: 'example.com' });
  // the fingerprints are the TLS dissector's, over the ClientHello of the CRYPTO frame (its body
  // starts after the frame header, 4 bytes, and the handshake header, 4 bytes)
  const ch = parseClientHelloBody(hex(CLIENT_FRAMES), 8, 237)!;
  assert.equal(r['ja4'], ja4(ch, 'q'));
  assert.match(r['ja4'] as string, /^q13d0211/);
  assert.equal(r['ja3'], ja3(ch));
  assert.equal(r['dpi_packets'], 1);
});

test('end to end: the RFC 9369 packet is QUIC v2 (Initial type 1)', () => {
  const r = identify([{ dir: 0, payload: hex(V2_PROTECTED) }], { transport: 'udp', serverPort: 4433 });
  assert.equal(r['protocol'], 'QUIC');
  assert.equal(r['hostname'], 'example.com');
  assert.deepEqual(r['quic'], { version: 'v2', sni: 'example.com' });
});

// --- versions and salts --------------------------------------------------------------------

test('version names and which versions we can decrypt', () => {
  assert.equal(versionName(1), 'v1');
  assert.equal(versionName(0x6b3343cf), 'v2');
  assert.equal(versionName(0xff00001d), 'draft-29');
  assert.equal(versionName(0x51303530), 'Q050');
  assert.equal(versionName(0x54303531), 'T051');
  assert.equal(versionName(0xfaceb002), 'mvfst-27');
  for (const v of [1, 0x6b3343cf, 0xff000017, 0xff00001b, 0xff00001d, 0xff000020, 0xff000022, 0xfaceb001, 0xfaceb002, 0x51303530, 0x54303530, 0x54303531, 0x1a2a3a4a]) {
    const vc = versionCrypto(v);
    assert.ok(vc, versionName(v));
    assert.equal(vc.salt.length, 20);
  }
  // drafts 29-32 share the draft-29 salt (draft-ietf-quic-tls-29 §5.2); v1 and later drafts RFC 9001's
  assert.equal(versionCrypto(0xff00001d)!.salt.toString('hex'), 'afbfec289993d24c9e9786f19c6111e04390a899');
  assert.equal(versionCrypto(0xff000020)!.salt.toString('hex'), 'afbfec289993d24c9e9786f19c6111e04390a899');
  assert.equal(versionCrypto(0xff000022)!.salt.toString('hex'), '38762cf7f55934b34d179ae6a4c80cadccbb7f0a');
  assert.equal(versionCrypto(0xff000012), null, 'draft-18: no known Initial salt');
  assert.equal(versionCrypto(0x51303433), null, 'Q043: cleartext, no Initial protection');
});

/** a QUIC ClientHello (handshake message) built field by field */
function quicHello(o: { sni?: string; alpn?: string[]; padding?: number; tp?: number[]; tpType?: number } = {}): number[] {
  const exts = [
    ...(o.sni === undefined ? [] : [sniExt(o.sni)]),
    groupsExt([0x001d, 0x0017]),
    alpnExt(o.alpn ?? ['h3']),
    sigAlgsExt([0x0403, 0x0804, 0x0401]),
    supportedVersionsExt([0x0304]),
    emptyExt(0x0033, vec(2, [...u16(0x001d), ...vec(2, new Array<number>(32).fill(7))])),
    ext(o.tpType ?? 0x0039, o.tp ?? [0x01, 0x02, 0x67, 0x10]),
    ...(o.padding ? [emptyExt(0x0015, new Array<number>(o.padding).fill(0))] : []),
  ];
  return handshake(1, clientHelloBody({ ciphers: [0x1301, 0x1302, 0x1303], extensions: exts, sessionId: [] }));
}

for (const [version, name] of [[0xff00001d, 'draft-29'], [0xff00001b, 'draft-27'], [0xfaceb002, 'mvfst-27'], [0x1a2a3a4a, '0x1a2a3a4a']] as const) {
  test(`${name} Initials decrypt with that version's salt`, () => {
    const pkt = protectInitial({ version, dcid: [1, 2, 3, 4, 5, 6, 7, 8], frames: cryptoFrame(0, quicHello({ sni: 'draft.example' })) });
    const r = identify([{ dir: 0, payload: pkt }], udp443);
    assert.equal(r['hostname'], 'draft.example');
    assert.equal((r['quic'] as Record<string, unknown>)['version'], name);
  });
}

test('Google T051: IETF-style protection, gQUIC CRYPTO frames (0x08) carrying TLS', () => {
  const pkt = protectInitial({ version: 0x54303531, dcid: [9, 9, 9, 9, 9, 9, 9, 9], frames: [0x07, ...cryptoFrame(0, quicHello({ sni: 'www.google.com' }), 0x08)] });
  const r = identify([{ dir: 0, payload: pkt }], udp443);
  assert.equal(r['protocol'], 'QUIC');
  assert.equal(r['hostname'], 'www.google.com');
  assert.equal((r['quic'] as Record<string, unknown>)['version'], 'T051');
  assert.match(r['ja4'] as string, /^q13d/);
});

// --- CRYPTO reassembly -----------------------------------------------------------------------

test('a ClientHello split over several Initials, datagrams and out of order is reassembled', () => {
  const ch = quicHello({ sni: 'split.example.org', padding: 2600 });
  assert.ok(ch.length > 2600);
  const a = ch.slice(0, 700);
  const b = ch.slice(700, 1500);
  const c = ch.slice(1500);
  const cid = [0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4];
  // datagram 1: one packet with the third and first pieces (in that order), PING and ACK between
  const d1 = protectInitial({ version: V1, dcid: cid, packetNumber: 0, frames: [...cryptoFrame(1500, c.slice(0, 900)), 0x01, 0x02, 0, 0, 0, 0, ...cryptoFrame(0, a)], padTo: 1250 });
  // datagram 2: coalesced Initial (second piece) + Initial (end of the third piece), then junk
  const p2 = protectInitial({ version: V1, dcid: cid, packetNumber: 1, frames: cryptoFrame(700, b), padTo: 0 });
  const p3 = protectInitial({ version: V1, dcid: cid, packetNumber: 2, frames: cryptoFrame(2400, c.slice(900)), padTo: 0 });
  const d2 = concat(p2, p3, new Uint8Array(300).fill(0x5a));
  const server = protectInitial({ version: V1, dcid: [7, 7, 7, 7], frames: [0x01], padTo: 0 });
  const r = identify([{ dir: 0, payload: d1 }, { dir: 1, payload: server }, { dir: 0, payload: d2 }], udp443);
  assert.equal(r['protocol'], 'QUIC');
  assert.equal(r['hostname'], 'split.example.org');
  assert.equal(r['dpi_packets'], 3);
});

test('until the ClientHello is complete the flow is QUIC without a host name', () => {
  const ch = quicHello({ sni: 'never.example', padding: 2000 });
  const d1 = protectInitial({ version: V1, dcid: [1, 1, 1, 1, 1, 1, 1, 1], frames: cryptoFrame(0, ch.slice(0, 1000)) });
  const r = identify([{ dir: 0, payload: d1 }], udp443);
  assert.equal(r['protocol'], 'QUIC');
  assert.equal(r['hostname'], null);
});

test('reassembler: overlaps, duplicates, holes and the size bound', () => {
  const r = new CryptoReassembler(64);
  const bytes = Uint8Array.from({ length: 100 }, (_, i) => i);
  r.add(10, bytes.subarray(10, 20));
  assert.equal(r.contiguous, 0);
  r.add(0, bytes.subarray(0, 5));
  assert.equal(r.contiguous, 5);
  r.add(3, bytes.subarray(3, 12)); // overlaps both
  assert.equal(r.contiguous, 20);
  r.add(0, bytes.subarray(0, 20)); // duplicate
  r.add(30, bytes.subarray(30, 100)); // clipped at 64
  assert.equal(r.contiguous, 20);
  r.add(20, bytes.subarray(20, 30));
  assert.equal(r.contiguous, 64);
  assert.deepEqual([...r.bytes()], [...bytes.subarray(0, 64)]);
  r.add(1000, bytes); // past the bound: ignored
  assert.equal(r.contiguous, 64);
});

test('frames: ACK with ranges and ECN, CONNECTION_CLOSE, unknown frame types', () => {
  const ack = [0x03, ...varint(1000), ...varint(5), ...varint(2), ...varint(3), 1, 1, 2, 2, 0, 0, 0];
  const s = scanFrames(Uint8Array.from([...ack, 0x01, ...cryptoFrame(5, [1, 2, 3]), 0x1c, 0x0a, 0x00, 0x02, 0x68, 0x69, 0, 0]));
  assert.equal(s.malformed, false);
  assert.equal(s.closed, true);
  assert.deepEqual(s.fragments.map((f) => [f.offset, [...f.data]]), [[5, [1, 2, 3]]]);
  const bad = scanFrames(Uint8Array.from([...cryptoFrame(0, [9]), 0x08, 0, 0]));
  assert.equal(bad.malformed, true);
  assert.equal(bad.fragments.length, 1, 'fragments before the unknown frame are kept');
  assert.equal(scanFrames(Uint8Array.from([0x06, 0x00, 0x44])).malformed, true, 'truncated CRYPTO frame');
  assert.deepEqual(readVarInt(Uint8Array.from([0xc2, 0x19, 0x7c, 0x5e, 0xff, 0x14, 0xe8, 0x8c]), 0, 8), { value: 151288809941952652, next: 8 });
  assert.deepEqual(readVarInt(Uint8Array.from([0x7b, 0xbd]), 0, 2), { value: 15293, next: 2 });
  assert.equal(readVarInt(Uint8Array.from([0x7b]), 0, 1), null);
});

// --- what the ClientHello says --------------------------------------------------------------

test('transport parameters: Google user agent (0x3129) becomes quic.user_agent', () => {
  const ua = 'Chrome/120.0.0.0 Windows NT 10.0; Win64; x64';
  const tp = [...varint(0x01), ...varint(2), 0x67, 0x10, ...varint(0x3129), ...varint(ua.length), ...ascii(ua)];
  const pkt = protectInitial({ version: V1, dcid: [5, 4, 3, 2, 1, 0, 1, 2], frames: cryptoFrame(0, quicHello({ sni: 'ua.example', tp })) });
  const r = identify([{ dir: 0, payload: pkt }], udp443);
  assert.equal((r['quic'] as Record<string, unknown>)['user_agent'], ua);
});

test('DNS over QUIC (ALPN doq) is DoH_DoT; a hello without SNI is a risk', () => {
  const pkt = protectInitial({ version: V1, dcid: [8, 8, 8, 8, 8, 8, 8, 8], frames: cryptoFrame(0, quicHello({ alpn: ['doq'] })) });
  const r = identify([{ dir: 0, payload: pkt }], { transport: 'udp', serverPort: 853 });
  assert.equal(r['protocol'], 'QUIC');
  assert.equal(r['application'], 'DoH_DoT');
  assert.equal(r['hostname'], null);
  assert.ok((r['risks'] as string[]).includes('missing_sni'));
});

test('a version we cannot decrypt is named QUIC from a full-size Initial only', () => {
  const hdr = [0xc3, 0xff, 0x00, 0x00, 0x12, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0x44, 0xa0];
  const big = Uint8Array.from([...hdr, ...new Array<number>(1200 - hdr.length).fill(0x33)]);
  const r = identify([{ dir: 0, payload: big }], udp443);
  assert.equal(r['protocol'], 'QUIC');
  assert.equal(r['confidence'], 'dpi');
  assert.deepEqual(r['quic'], { version: 'draft-18' });
  const small = identify([{ dir: 0, payload: big.subarray(0, 300) }], { transport: 'udp', serverPort: 4000 });
  assert.equal(small['quic'], null);
  assert.notEqual(small['protocol'], 'QUIC');
});

// --- Google QUIC ------------------------------------------------------------------------------

/** a CHLO message: tags with values (tag table of end offsets, little endian) */
function chlo(tags: [string, string][]): number[] {
  const table: number[] = [];
  const values: number[] = [];
  for (const [t, v] of tags) {
    values.push(...ascii(v));
    table.push(...ascii(t.padEnd(4, '\0')), values.length & 0xff, (values.length >> 8) & 0xff, 0, 0);
  }
  return [...ascii('CHLO'), tags.length & 0xff, tags.length >> 8, 0, 0, ...table, ...values];
}

const pad = (b: number[], n = 1350): Uint8Array => Uint8Array.from([...b, ...new Array<number>(Math.max(0, n - b.length)).fill(0)]);

test('gQUIC Q043: public header, cleartext CHLO with SNI and UAID', () => {
  const m = chlo([['PAD', '----'], ['SNI', 'www.youtube.com'], ['UAID', 'Chrome/70.0'], ['VER', 'Q043']]);
  const pkt = [0x0d, 1, 2, 3, 4, 5, 6, 7, 8, ...ascii('Q043'), 0x01, ...new Array<number>(12).fill(0xaa),
    0xa0, 0x01, (m.length >> 8) & 0xff, m.length & 0xff, ...m];
  const r = identify([{ dir: 0, payload: pad(pkt) }], udp443);
  assert.equal(r['protocol'], 'QUIC');
  assert.equal(r['hostname'], 'www.youtube.com');
  assert.deepEqual(r['quic'], { version: 'Q043', sni: 'www.youtube.com', user_agent: 'Chrome/70.0' });
});

test('gQUIC Q035 (little-endian lengths) and Q046 (long header, no encryption)', () => {
  const m = chlo([['SNI', 'old.example'], ['VER', 'Q035']]);
  const q35 = [0x0d, 1, 2, 3, 4, 5, 6, 7, 8, ...ascii('Q035'), 0x01, ...new Array<number>(12).fill(0xaa),
    0xa0, 0x01, m.length & 0xff, (m.length >> 8) & 0xff, ...m];
  assert.equal(identify([{ dir: 0, payload: pad(q35) }], udp443)['hostname'], 'old.example');
  const m46 = chlo([['SNI', 'i.ytimg.com']]);
  const q46 = [0xc3, ...ascii('Q046'), 0x50, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 1, ...new Array<number>(12).fill(0xbb),
    0xa0, 0x01, (m46.length >> 8) & 0xff, m46.length & 0xff, ...m46];
  const r = identify([{ dir: 0, payload: pad(q46) }], udp443);
  assert.equal(r['hostname'], 'i.ytimg.com');
  assert.equal((r['quic'] as Record<string, unknown>)['version'], 'Q046');
});

test('gQUIC Q050: CHLO inside IETF-style protected Initials', () => {
  const m = chlo([['SNI', 'q50.example'], ['UAID', 'ua50']]);
  const pkt = protectInitial({ version: 0x51303530, dcid: [3, 1, 4, 1, 5, 9, 2, 6], frames: cryptoFrame(0, m, 0x08) });
  const r = identify([{ dir: 0, payload: pkt }], udp443);
  assert.deepEqual(r['quic'], { version: 'Q050', sni: 'q50.example', user_agent: 'ua50' });
});

test('CHLO parsing: sizes, truncation, not a CHLO', () => {
  const m = Uint8Array.from(chlo([['SNI', 'a.b'], ['PAD', 'xx']]));
  assert.equal(chloSize(m), m.length);
  assert.equal(chloSize(m.subarray(0, 10)), null);
  assert.equal(parseChlo(Uint8Array.from(ascii('SHLO\0\0\0\0'))), null);
  assert.equal(parseChlo(m.subarray(0, m.length - 1))!.tags.has('PAD'), false);
  assert.deepEqual(gquicStreamFrames(Uint8Array.from([0x00, 0x00, 0xa0, 0x03, 0x00, 0x01, 0x41]), 0x51303433), [], 'stream 3 is not the crypto stream');
});

// --- mid-connection flows -------------------------------------------------------------------

test('short header packets with a constant DCID name a flow QUIC on port 443', () => {
  const rnd = seededRandom(7);
  const sh = (first: number, cid: number[]): Uint8Array => Uint8Array.from([first, ...cid, ...Array.from({ length: 40 }, () => Math.floor(rnd() * 256))]);
  const cid = [0xe2, 0x89, 0xe7, 0x5e, 0xe2, 0xcc, 0xda, 0x38];
  const rnd8 = (): number[] => Array.from({ length: 8 }, () => Math.floor(rnd() * 256));
  const conv = [
    { dir: 1 as const, payload: sh(0x4d, rnd8()) },
    { dir: 0 as const, payload: sh(0x57, cid) },
    { dir: 1 as const, payload: sh(0x43, rnd8()) },
    { dir: 0 as const, payload: sh(0x40, cid) },
    { dir: 0 as const, payload: sh(0x59, cid) },
  ];
  const r = identify(conv, udp443);
  assert.equal(r['protocol'], 'QUIC');
  assert.equal(r['confidence'], 'dpi');
  assert.equal(r['dpi_packets'], 5);
  const other = identify(conv, { transport: 'udp', serverPort: 5000 });
  assert.notEqual(other['confidence'], 'dpi');
  const varying = identify(conv.map((c) => ({ dir: c.dir, payload: sh(0x41, rnd8()) })), udp443);
  assert.notEqual(varying['confidence'], 'dpi');
});

// --- robustness -----------------------------------------------------------------------------

test('truncated Initials never throw and never yield a host name', () => {
  const pkt = hex(V1_PROTECTED);
  for (let n = 0; n < pkt.length; n += 7) {
    const r = identify([{ dir: 0, payload: pkt.subarray(0, Math.max(1, n)) }], udp443);
    assert.equal(r['hostname'], null, `cut at ${n}`);
  }
});

test('seeded fuzz: mutated Initials, coalesced datagrams and CHLOs never throw', () => {
  const rnd = seededRandom(0x9001);
  const m = chlo([['SNI', 'fuzz.example'], ['UAID', 'x']]);
  const seeds = [
    hex(V1_PROTECTED),
    hex(V2_PROTECTED),
    concat(protectInitial({ version: V1, dcid: [1, 2, 3, 4], frames: cryptoFrame(0, quicHello({ sni: 'a.example' })), padTo: 0 }),
      protectInitial({ version: V1, dcid: [1, 2, 3, 4], packetNumber: 3, frames: [0x02, 1, 0, 0, 0], padTo: 0 })),
    pad([0x0d, 1, 2, 3, 4, 5, 6, 7, 8, ...ascii('Q043'), 0x01, ...new Array<number>(12).fill(0), 0xa0, 0x01, (m.length >> 8) & 0xff, m.length & 0xff, ...m]),
    protectInitial({ version: 0x51303530, dcid: [1, 1, 2, 2, 3, 3, 4, 4], frames: cryptoFrame(0, m, 0x08) }),
  ];
  let named = 0;
  for (let i = 0; i < 300; i++) {
    const seed = seeds[i % seeds.length]!;
    const a = mutate(seed, rnd);
    const b = mutate(seed, rnd);
    const r = identify([{ dir: 0, payload: a.length ? a : Uint8Array.of(0xc0) }, { dir: 0, payload: b.length ? b : Uint8Array.of(0xc0) }], udp443);
    if (r['protocol'] === 'QUIC' && r['confidence'] === 'dpi') named++;
  }
  assert.ok(named > 0);
});

test('header parser: bounds and limits', () => {
  const pkt = hex(V1_PROTECTED);
  assert.equal(parseLongHeader(pkt, 0, 6, 0), null);
  const longCid = Uint8Array.from(pkt);
  longCid[5] = 21;
  assert.equal(parseLongHeader(longCid, 0, longCid.length, 0), null, 'CIDs are at most 20 bytes');
  const vn = Uint8Array.from([0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  assert.equal(parseLongHeader(vn, 0, vn.length, 0), null, 'version negotiation has no length');
  const bigToken = Uint8Array.from(pkt);
  bigToken[15] = 0x7f; // token length field now claims far more than there is
  bigToken[16] = 0xff;
  assert.equal(parseLongHeader(bigToken, 0, bigToken.length, 0), null);
  // a Length past the datagram is reported as such (size > datagram): callers stop there
  assert.ok(parseLongHeader(pkt, 0, 600, 0)!.size > 600);
  // a datagram cut short inside a larger buffer (e.g. before an Ethernet trailer): nothing past
  // the datagram's end is read, so it does not decrypt
  const framed = concat(new Uint8Array(14), pkt.subarray(0, 1199), new Uint8Array(40));
  const h = parseLongHeader(framed, 14, 14 + 1199, 0)!;
  const keys = clientInitialKeys(h.dcid, versionCrypto(V1)!);
  assert.equal(unprotectLongHeader(framed, 14, h.pnOffset, h.length, keys, 14 + 1199), null);
  assert.ok(unprotectLongHeader(concat(new Uint8Array(14), pkt), 14, h.pnOffset, h.length, keys, 14 + 1200));
});
