import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzFirstPayload as fuzz, hexBytes as hex, identify, notByDpi, utf8 as enc, type Exchange } from '../../../test-support/dpi-test-kit.js';
import { clientHelloBody, handshake, record, sniExt } from '../../../test-support/tls-hello.js';

const c2s = { transport: 'tcp', serverPort: 5222 } as const;
const s2s = { transport: 'tcp', serverPort: 5269 } as const;
const other = { transport: 'tcp', serverPort: 45222 } as const;
const isXmpp = (r: Record<string, unknown>): boolean => r['protocol'] === 'XMPP' && r['confidence'] === 'dpi';

const CLIENT_HEADER = "<?xml version='1.0'?><stream:stream to='im.example.com' version='1.0' xml:lang='en' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
const SERVER_HEADER = "<?xml version='1.0'?><stream:stream from='im.example.com' id='t7AMCin9zjMNwQKDnplntZPIDEI=' to='juliet@im.example.com' version='1.0' xml:lang='en' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
const FEATURES_TLS = "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>";
const FEATURES_SASL = "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-1</mechanism></mechanisms></stream:features>";

test('XMPP client-to-server: both stream headers, features offering STARTTLS, <starttls/>, <proceed/>, then TLS', () => {
  const hello = record(0x16, handshake(0x01, clientHelloBody({ ciphers: [0xc02f], extensions: [sniExt('im.example.com')] })));
  const r = identify([
    { dir: 0, payload: CLIENT_HEADER },
    { dir: 1, payload: SERVER_HEADER + FEATURES_TLS },
    { dir: 0, payload: "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>" },
    { dir: 1, payload: "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>" },
    { dir: 0, payload: Uint8Array.from(hello) },
  ], c2s);
  assert.ok(isXmpp(r));
  assert.deepEqual(r['xmpp'], { starttls_offered: true, starttls: true });
  // the TLS dissector reads on; the flow keeps its XMPP name
  assert.equal(r['hostname'], 'im.example.com');
  // no JID ever leaves the dissector
  assert.ok(!JSON.stringify(r['xmpp']).includes('juliet'));
});

test('XMPP: features without STARTTLS, a <failure/> answer, and a self-closing features element', () => {
  const plain = identify([{ dir: 0, payload: CLIENT_HEADER }, { dir: 1, payload: SERVER_HEADER }, { dir: 1, payload: FEATURES_SASL }], c2s);
  assert.ok(isXmpp(plain));
  assert.deepEqual(plain['xmpp'], { starttls_offered: false });
  const failed = identify([
    { dir: 0, payload: CLIENT_HEADER },
    { dir: 1, payload: SERVER_HEADER + FEATURES_TLS },
    { dir: 0, payload: "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>" },
    { dir: 1, payload: "<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:stream>" },
  ], c2s);
  assert.deepEqual(failed['xmpp'], { starttls_offered: true });
  const empty = identify([{ dir: 1, payload: SERVER_HEADER + '<stream:features/>' }], other);
  assert.ok(isXmpp(empty));
  assert.deepEqual(empty['xmpp'], { starttls_offered: false });
});

test('XMPP: double quotes, other attribute order, no XML declaration, white space, RFC 3920-era header without version', () => {
  const variants = [
    '<stream:stream xmlns:stream="http://etherx.jabber.org/streams" xmlns="jabber:client" to="im.example.com" version="1.0">',
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<stream:stream\n  xmlns = 'jabber:client'\n  xmlns:stream='http://etherx.jabber.org/streams'\n  to='im.example.com' >",
    "  \r\n<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='im.example.com'>",
    "<?xml version='1.0'?><flow:stream xmlns:flow='http://etherx.jabber.org/streams' xmlns='jabber:client' to='im.example.com' version='1.0'>",
  ];
  for (const v of variants) assert.ok(isXmpp(identify([{ dir: 0, payload: v }], other)), v);
});

test('XMPP server-to-server (jabber:server with dialback namespace) on 5269', () => {
  const r = identify([
    { dir: 0, payload: "<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:server' xmlns:db='jabber:server:dialback' from='im.example.com' to='example.net' version='1.0'>" },
    { dir: 1, payload: "<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:server' xmlns:db='jabber:server:dialback' id='D60000229F' from='example.net' to='im.example.com' version='1.0'><stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/><dialback xmlns='urn:xmpp:features:dialback'/></stream:features>" },
  ], s2s);
  assert.ok(isXmpp(r));
  assert.deepEqual(r['xmpp'], { starttls_offered: true });
});

test("XMPP: a capture that starts with the server's stream header", () => {
  const r = identify([{ dir: 1, payload: SERVER_HEADER + FEATURES_TLS }], other);
  assert.ok(isXmpp(r));
  assert.deepEqual(r['xmpp'], { starttls_offered: true });
});

test('XMPP: the stream header split in 1-byte pieces (its start) and 3-byte pieces, the features split too', () => {
  const header = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
  for (const size of [1, 3]) {
    const parts: Exchange[] = [];
    for (let i = 0; i < header.length && parts.length < 8; i += size) parts.push({ dir: 0, payload: header.slice(i, i + size) });
    const sent = parts.reduce((n, p) => n + p.payload.length, 0);
    parts.push({ dir: 0, payload: header.slice(sent) });
    assert.ok(isXmpp(identify(parts, other)), `size ${size}`);
  }
  const r = identify([
    { dir: 0, payload: CLIENT_HEADER },
    { dir: 1, payload: SERVER_HEADER.slice(0, 30) },
    { dir: 1, payload: SERVER_HEADER.slice(30) + FEATURES_TLS.slice(0, 40) },
    { dir: 1, payload: FEATURES_TLS.slice(40) },
  ], c2s);
  assert.deepEqual(r['xmpp'], { starttls_offered: true });
});

test('XMPP: hex-built header', () => {
  const r = identify([{ dir: 0, payload: hex(`
    3c 73 74 72 65 61 6d 3a 73 74 72 65 61 6d          # <stream:stream
    20 78 6d 6c 6e 73 3d 27 6a 61 62 62 65 72 3a 73 65 72 76 65 72 27  # xmlns='jabber:server'
    20 78 6d 6c 6e 73 3a 73 74 72 65 61 6d 3d 27        # xmlns:stream='
  `), }, { dir: 0, payload: "http://etherx.jabber.org/streams'>" }], other);
  assert.ok(isXmpp(r));
});

test('XMPP: wrong namespaces, malformed headers and other protocols are not XMPP', () => {
  const bad: (string | Uint8Array)[] = [
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://example.com/streams'>", // wrong streams namespace
    "<stream:stream xmlns='jabber:iq' xmlns:stream='http://etherx.jabber.org/streams'>", // wrong content namespace
    "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>", // no content namespace
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'/>", // empty element
    "<stream:stream xmlns='jabber:client' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>", // repeated attribute
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='one'>",
    "<stream:stream xmlns=jabber:client xmlns:stream='http://etherx.jabber.org/streams'>", // unquoted
    "<?xml version='2.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>",
    "<?php echo 1; ?>",
    '<policy-file-request/>\0',
    "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.com' version='1.0'/>", // RFC 7395 WebSocket framing
    '<html><body>hello</body></html>',
    'GET / HTTP/1.1\r\nHost: im.example.com\r\n\r\n',
    hex('16 03 01 00 a5 01 00 00 a1 03 03'),
    'SSH-2.0-OpenSSH_9.6\r\n',
    hex('3c 00 ff 13 9a 77 01 02'),
    "<stream:stream xmlns='jabber:client'", // truncated: never finished
  ];
  for (const p of bad) {
    assert.ok(!isXmpp(identify([{ dir: 0, payload: p }], other)), String(p));
    assert.ok(notByDpi(identify([{ dir: 0, payload: p }], c2s), 'XMPP'), String(p));
  }
});

test('XMPP: fuzz the client and server headers', () => {
  fuzz(enc(CLIENT_HEADER), 'tcp', 5222, 0);
  fuzz(enc(SERVER_HEADER + FEATURES_TLS), 'tcp', 5222, 1);
});
