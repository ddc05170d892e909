import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identify, utf8 as enc } from '../../../test-support/dpi-test-kit.js';
import { alpnExt, clientHelloBody, handshake, record, sniExt } from '../../../test-support/tls-hello.js';
import { mutate, seededRandom } from '../../../test-support/prng.js';
import { decodeUrl, suspiciousUserAgent, urlRisks } from './checks.js';
import { executableBody } from './index.js';
import { hostOnly, isNumericHost, parseHead, parseStartLine, splitTarget } from './parser.js';

const head = (s: string): ReturnType<typeof parseHead> => {
  const b = enc(s);
  return parseHead(b, 0, b.length);
};

const REQUEST = 'GET /index.html?user=alice&token=secret HTTP/1.1\r\nHost: WWW.Example.COM:8080\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\nCookie: session=abc\r\n\r\n';
const RESPONSE = 'HTTP/1.1 200 OK\r\nServer: nginx/1.25\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 5\r\n\r\nhello';

test('a request and its response: protocol, host name and head fields, no query, cookie or body', () => {
  const r = identify([{ dir: 0, payload: REQUEST }, { dir: 1, payload: RESPONSE }], { transport: 'tcp', serverPort: 80 });
  assert.equal(r['protocol'], 'HTTP');
  assert.equal(r['confidence'], 'dpi');
  assert.equal(r['hostname'], 'www.example.com');
  assert.deepEqual(r['http'], {
    method: 'GET', path: '/index.html', host: 'www.example.com', user_agent: 'Mozilla/5.0 (X11; Linux x86_64)',
    status: 200, content_type: 'text/html; charset=utf-8', server: 'nginx/1.25',
  });
  const text = JSON.stringify(r);
  for (const secret of ['secret', 'alice', 'session=abc', 'hello']) assert.ok(!text.includes(secret), `record leaks ${secret}`);
  assert.deepEqual(r['risks'], []);
});

test('headers spanning segments are read once the head is complete', () => {
  const parts = ['GE', 'T /a HTTP/1.1\r\nHo', 'st: split.example\r\nUser-Agent: Mozilla/5.0 (', 'X)\r\n', '\r\n'];
  const r = identify([...parts.map((p) => ({ dir: 0 as const, payload: p })), { dir: 1, payload: 'HTTP/1.1 404 Not Found\r\n\r\n' }], { transport: 'tcp', serverPort: 8000 });
  assert.equal(r['protocol'], 'HTTP');
  assert.equal(r['hostname'], 'split.example');
  assert.equal((r['http'] as Record<string, unknown>)['user_agent'], 'Mozilla/5.0 (X)');
  assert.equal((r['http'] as Record<string, unknown>)['status'], 404);
  assert.ok((r['risks'] as string[]).includes('error_code'));
});

test('100 Continue is skipped: the final response is reported', () => {
  const r = identify([
    { dir: 0, payload: 'POST /up HTTP/1.1\r\nHost: h.example\r\nUser-Agent: App/1\r\nExpect: 100-continue\r\n\r\n' },
    { dir: 1, payload: 'HTTP/1.1 100 Continue\r\n\r\n' },
    { dir: 0, payload: 'data' },
    { dir: 1, payload: 'HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n\r\n{}' },
  ], { transport: 'tcp', serverPort: 80 });
  assert.equal((r['http'] as Record<string, unknown>)['status'], 201);
});

test('proxy requests: absolute-form is HTTP_Proxy, CONNECT is HTTP_Connect with its target', () => {
  const p = identify([{ dir: 0, payload: 'GET http://origin.example/p?q=1 HTTP/1.1\r\nHost: origin.example\r\nUser-Agent: A/1\r\n\r\n' }], { transport: 'tcp', serverPort: 3128 });
  assert.equal(p['protocol'], 'HTTP_Proxy');
  assert.equal(p['hostname'], 'origin.example');
  assert.equal((p['http'] as Record<string, unknown>)['path'], '/p');
  const c = identify([
    { dir: 0, payload: 'CONNECT apache.org:443 HTTP/1.1\r\nHost: apache.org:443\r\nUser-Agent: curl/8.0\r\n\r\n' },
    { dir: 1, payload: 'HTTP/1.1 200 Connection established\r\n\r\n' },
    { dir: 0, payload: new Uint8Array([0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5]) },
  ], { transport: 'tcp', serverPort: 8080 });
  assert.equal(c['protocol'], 'HTTP_Connect');
  assert.equal(c['hostname'], 'apache.org');
  assert.equal((c['http'] as Record<string, unknown>)['target'], 'apache.org:443');
  assert.ok((c['risks'] as string[]).includes('http_suspicious_user_agent'));
});

test('TLS through a CONNECT tunnel: the TLS dissector reads on after the 2xx answer (server name, JA4)', () => {
  const hello = Uint8Array.from(record(0x16, handshake(0x01, clientHelloBody({ ciphers: [0x1301, 0xc02f], extensions: [sniExt('www.apache.org'), alpnExt(['h2'])] }))));
  const through = (answer: string) => identify([
    { dir: 0, payload: 'CONNECT apache.org:443 HTTP/1.1\r\nHost: apache.org:443\r\n\r\n' },
    { dir: 1, payload: answer },
    { dir: 0, payload: hello },
  ], { transport: 'tcp', serverPort: 3128 });
  const ok = through('HTTP/1.1 200 Connection established\r\nProxy-Agent: squid\r\n\r\n');
  assert.equal(ok['protocol'], 'HTTP_Connect');
  assert.equal(ok['hostname'], 'www.apache.org');
  assert.equal((ok['tls'] as Record<string, unknown>)['sni'], 'www.apache.org');
  assert.match(ok['ja4'] as string, /^t12d0202h2_/);
  // any 2xx opens the tunnel (RFC 9110 §9.3.6); a refusal does not, and its body is not TLS
  assert.match(through('HTTP/1.0 204 No Content\r\n\r\n')['ja4'] as string, /^t12d/);
  const refused = through('HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n');
  assert.equal(refused['protocol'], 'HTTP_Connect');
  assert.equal(refused['ja4'], null);
  assert.equal(refused['hostname'], 'apache.org');
  // a plain request's body that looks like TLS is not read as TLS
  const get = identify([
    { dir: 0, payload: 'POST /upload HTTP/1.1\r\nHost: a.example\r\nContent-Length: 300\r\n\r\n' },
    { dir: 1, payload: 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n' },
    { dir: 0, payload: hello },
  ], { transport: 'tcp', serverPort: 80 });
  assert.equal(get['ja4'], null);
});

test('the HTTP/2 cleartext preface names HTTP2', () => {
  const r = identify([{ dir: 0, payload: 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n' }], { transport: 'tcp', serverPort: 29518 });
  assert.equal(r['protocol'], 'HTTP2');
});

test('a response seen first still names HTTP', () => {
  const r = identify([{ dir: 0, payload: 'HTTP/1.0 302 Found\r\nLocation: /x\r\n\r\n' }], { transport: 'tcp', serverPort: 80, handshake: false });
  assert.equal(r['protocol'], 'HTTP');
  assert.equal((r['http'] as Record<string, unknown>)['status'], 302);
});

test('risks: numeric host, basic credentials, suspicious agent, executables, injections', () => {
  const r = identify([
    { dir: 0, payload: "GET /setup.exe?id=1'%20OR%20'1'='1 HTTP/1.1\r\nHost: 203.0.113.9\r\nAuthorization: Basic dXNlcjpwYXNz\r\nUser-Agent: \r\n\r\n" },
    { dir: 1, payload: 'HTTP/1.1 200 OK\r\nContent-Type: application/x-msdownload\r\nContent-Length: 100\r\n\r\nMZ' },
  ], { transport: 'tcp', serverPort: 80 });
  assert.deepEqual(new Set(r['risks'] as string[]), new Set(['url_possible_sql_injection', 'binary_data_transfer', 'http_numeric_ip_host', 'clear_text_credentials', 'http_suspicious_user_agent', 'binary_application_transfer']));
  assert.ok(!JSON.stringify(r).includes('dXNlcjpwYXNz'));
  const x = identify([{ dir: 0, payload: 'GET /search?q=%3Cscript%3Ealert(1)%3C/script%3E HTTP/1.1\r\nHost: a.example\r\nUser-Agent: Mozilla/5.0 (X)\r\n\r\n' }], { transport: 'tcp', serverPort: 80 });
  assert.deepEqual(x['risks'], ['url_possible_xss']);
  const s = identify([{ dir: 0, payload: 'GET /cgi-bin/x HTTP/1.1\r\nHost: a.example\r\nUser-Agent: () { :; }; /bin/bash -c id\r\n\r\n' }], { transport: 'tcp', serverPort: 80 });
  assert.deepEqual(s['risks'], ['http_suspicious_user_agent']);
});

test('an executable body is found whatever its declared type', () => {
  const body = new Uint8Array(0x80);
  body.set([0x4d, 0x5a]); // "MZ"
  body[0x3c] = 0x40; // e_lfanew = 0x40
  body.set([0x50, 0x45, 0, 0], 0x40); // "PE\0\0"
  const headText = enc('HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n');
  const resp = new Uint8Array(headText.length + body.length);
  resp.set(headText);
  resp.set(body, headText.length);
  const r = identify([{ dir: 0, payload: 'GET /tablone.png HTTP/1.1\r\nHost: 192.0.2.1\r\nUser-Agent: WinHTTP loader/1.0\r\n\r\n' }, { dir: 1, payload: resp }], { transport: 'tcp', serverPort: 80 });
  assert.ok((r['risks'] as string[]).includes('binary_application_transfer'));
  assert.equal(executableBody(body, 0, body.length), true);
  assert.equal(executableBody(enc('MZ is a fine start for a text'), 0, 29), false);
  assert.equal(executableBody(enc('\x7fELF'), 0, 4), true);
});

test('services recognised from HTTP itself', () => {
  const dav = identify([{ dir: 0, payload: 'PROPFIND /dav/ HTTP/1.1\r\nHost: files.example\r\nDepth: 1\r\nUser-Agent: A/1\r\n\r\n' }], { transport: 'tcp', serverPort: 80 });
  assert.equal(dav['application'], 'WebDAV');
  assert.equal(dav['protocol'], 'HTTP');
  const ocsp = identify([{ dir: 0, payload: 'POST / HTTP/1.1\r\nHost: ocsp.ca.example\r\nContent-Type: application/ocsp-request\r\nUser-Agent: A/1\r\n\r\n' }], { transport: 'tcp', serverPort: 80 });
  assert.equal(ocsp['application'], 'OCSP');
  const ipp = identify([{ dir: 0, payload: 'POST /ipp/print HTTP/1.1\r\nHost: 10.0.0.5:631\r\nContent-Type: application/ipp\r\nUser-Agent: CUPS/2.4\r\n\r\n' }], { transport: 'tcp', serverPort: 631 });
  assert.equal(ipp['application'], 'IPP');
  assert.equal(ipp['hostname'], '10.0.0.5');
});

test('streaming and RPC recognised from HTTP: HLS playlists, Icecast/SHOUTcast streams, RPC over HTTP', () => {
  const get = (path: string, host = 'media.example'): string => `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: Player/1\r\n\r\n`;
  const opts = { transport: 'tcp' as const, serverPort: 80 };
  const app = (req: string, res?: string): unknown => identify(res === undefined ? [{ dir: 0, payload: req }] : [{ dir: 0, payload: req }, { dir: 1, payload: res }], opts)['application'];
  // RFC 8216 §4: the playlist's extension, and either registered media type in the response
  assert.equal(app(get('/live/stream_720p.m3u8?token=1')), null); // a request alone: no answer seen
  assert.equal(app(get('/live/stream_720p.m3u8'), 'HTTP/1.1 200 OK\r\nContent-Type: application/vnd.apple.mpegurl\r\n\r\n#EXTM3U'), 'HLS');
  for (const type of ['application/vnd.apple.mpegurl', 'application/x-mpegURL', 'audio/mpegurl']) {
    assert.equal(app(get('/live/master'), `HTTP/1.1 200 OK\r\nContent-Type: ${type}\r\nContent-Length: 7\r\n\r\n#EXTM3U`), 'HLS', type);
  }
  // an Icecast server names itself; SHOUTcast-style servers describe the stream in icy-* headers or answer "ICY 200 OK"
  const stream = get('/radio', 'radio.example');
  assert.equal(app(stream, 'HTTP/1.0 200 OK\r\nServer: Icecast 2.4.4\r\nContent-Type: audio/mpeg\r\n\r\n'), 'IceCast');
  assert.equal(app(stream, 'HTTP/1.1 200 OK\r\nContent-Type: audio/aacp\r\nicy-br: 128\r\nicy-metaint: 16000\r\n\r\n'), 'IceCast');
  assert.equal(app(stream, 'ICY 200 OK\r\nicy-name: Example FM\r\ncontent-type: audio/mpeg\r\n\r\n'), 'IceCast');
  // [MS-RPCH] §2.1.2.1: the IN and OUT channels
  for (const method of ['RPC_IN_DATA', 'RPC_OUT_DATA']) {
    const r = identify([{ dir: 0, payload: `${method} /rpc/rpcproxy.dll?mail.example:6001 HTTP/1.1\r\nHost: mail.example\r\nContent-Length: 1073741824\r\nUser-Agent: MSRPC\r\n\r\n` }], { transport: 'tcp', serverPort: 443 });
    assert.equal(r['protocol'], 'HTTP');
    assert.equal(r['application'], 'MS-RPCH', method);
  }
  // look-alikes: plain audio, a playlist-looking path that is not one, a text response
  assert.equal(app(stream, 'HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: audio/mpeg\r\n\r\n'), null);
  assert.equal(app(get('/docs/m3u8-format.html')), null);
  assert.equal(app(get('/live/master'), 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n#EXTM3U'), null);
});

test('not HTTP: other text protocols sharing methods, binary data', () => {
  const rtsp = identify([{ dir: 0, payload: 'OPTIONS rtsp://cam.example/stream RTSP/1.0\r\nCSeq: 1\r\n\r\n' }], { transport: 'tcp', serverPort: 5554 });
  assert.equal(rtsp['http'], null);
  const sip = identify([{ dir: 0, payload: 'INVITE sip:bob@example.com SIP/2.0\r\n\r\n' }], { transport: 'tcp', serverPort: 5060 });
  assert.equal(sip['http'], null);
  const smtp = identify([{ dir: 0, payload: 'EHLO client.example\r\n' }], { transport: 'tcp', serverPort: 2525 });
  assert.equal(smtp['http'], null);
});

test('parser: start lines, incomplete heads, folding, hosts, targets', () => {
  assert.deepEqual(parseStartLine('GET / HTTP/1.1'), { kind: 'request', method: 'GET', target: '/', version: '1.1' });
  assert.deepEqual(parseStartLine('HTTP/1.1 204 No Content'), { kind: 'response', version: '1.1', status: 204 });
  assert.deepEqual(parseStartLine('HTTP/1.1 200'), { kind: 'response', version: '1.1', status: 200 });
  // a damaged version after a registered method: still a request, its version unknown
  assert.deepEqual(parseStartLine('GET / HTTP/1.x'), { kind: 'request', method: 'GET', target: '/', version: null });
  assert.equal(parseStartLine('GET / HTTX/1.1'), null);
  assert.equal(parseStartLine('GET / HTTP/1.1-and-more'), null);
  assert.equal(parseStartLine('BREW / HTTP/1.x'), null);
  assert.equal(parseStartLine('get / HTTP/1.1'), null);
  assert.equal(parseStartLine('GET HTTP/1.1'), null);
  assert.equal(parseStartLine('HTTP/1.1 2000 OK'), null);
  // a target with stray spaces (attacks) is kept whole
  assert.equal((parseStartLine('GET /a b c HTTP/1.0') as { target: string }).target, '/a b c');
  assert.equal(head('GET / HTT'), undefined);
  assert.equal(head('GE'), undefined);
  assert.equal(head('\x16\x03\x01'), null);
  const h = head('GET / HTTP/1.1\r\nX-A: one\r\n two\r\nHost: h\r\n');
  assert.ok(h);
  assert.equal(h.complete, false);
  assert.deepEqual(h.headers, [['x-a', 'one two'], ['host', 'h']]);
  assert.equal(head('GET / HTTP/1.1\nHost: h\n\n')?.complete, true); // bare LF line ends
  assert.equal(hostOnly('Example.COM:8080'), 'example.com');
  assert.equal(hostOnly('[2001:db8::1]:80'), '2001:db8::1');
  assert.equal(hostOnly('user@h.example.'), 'h.example');
  assert.equal(isNumericHost('192.0.2.1'), true);
  assert.equal(isNumericHost('999.0.2.1'), false);
  assert.equal(isNumericHost('2001:db8::1'), true);
  assert.equal(isNumericHost('example.com'), false);
  assert.deepEqual(splitTarget('/p/a?x=1#f'), { path: '/p/a', query: 'x=1' });
  assert.deepEqual(splitTarget('http://h.example:81?x'), { path: '/', query: 'x', authority: 'h.example:81' });
});

test('checks: user agents, decoding, URL patterns', () => {
  assert.equal(suspiciousUserAgent('Mozilla/5.0 (Windows NT 10.0)'), null);
  assert.equal(suspiciousUserAgent('MicroMessenger Client'), null);
  assert.equal(suspiciousUserAgent('netflix-ios-app'), null);
  assert.ok(suspiciousUserAgent(undefined));
  assert.ok(suspiciousUserAgent(''));
  assert.ok(suspiciousUserAgent('vBKbaQgjyvRRbcgfvlsc'));
  assert.ok(suspiciousUserAgent('curl/8.4.0'));
  assert.ok(suspiciousUserAgent('Mozilla/5.00 (Nikto/2.1.6)'));
  assert.equal(decodeUrl('a%2520b+c'), 'a b c');
  assert.deepEqual(urlRisks('/index.php?id=1 UNION SELECT password FROM users'), { sqli: true, xss: false, rce: false });
  assert.deepEqual(urlRisks('/cgi-bin/test.cgi?c=;cat%20/etc/passwd'), { sqli: false, xss: false, rce: true });
  assert.deepEqual(urlRisks('/x?${jndi:ldap://e.example/a}'), { sqli: false, xss: false, rce: true });
  assert.deepEqual(urlRisks('/products/select-from-list?color=blue'), { sqli: false, xss: false, rce: false });
  assert.deepEqual(urlRisks('/search?q=union+station+timetable'), { sqli: false, xss: false, rce: false });
});

test('seeded fuzz: mutated requests and responses never throw, and names stay HTTP or nothing', () => {
  const rnd = seededRandom(0x4854);
  const seeds = [enc(REQUEST), enc(RESPONSE), enc('CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n'), enc('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')];
  for (let i = 0; i < 400; i++) {
    const a = mutate(seeds[i % seeds.length]!, rnd);
    const b = mutate(seeds[(i + 1) % seeds.length]!, rnd);
    if (a.length === 0 || b.length === 0) continue;
    parseHead(a, 0, a.length);
    const r = identify([{ dir: 0, payload: a }, { dir: 1, payload: b }], { transport: 'tcp', serverPort: 80 });
    assert.ok(r['confidence'] !== 'dpi' || ['HTTP', 'HTTP_Proxy', 'HTTP_Connect', 'HTTP2'].includes(r['protocol'] as string) || r['http'] === null, `unexpected ${String(r['protocol'])}`);
  }
});

test('a registered method with a damaged version is still an HTTP request (malformed_packet); an unknown one is not', () => {
  const r = identify([{ dir: 0, payload: 'POST /relay HTTP/d.1\r\nHost: 172.20.3.5\r\n\r\n' }], { transport: 'tcp', serverPort: 80 });
  assert.equal(r['protocol'], 'HTTP');
  assert.equal(r['hostname'], '172.20.3.5');
  assert.ok((r['risks'] as string[]).includes('malformed_packet'));
  const made = identify([{ dir: 0, payload: 'FROB /relay HTTP/d.1\r\nHost: h.example\r\n\r\n' }], { transport: 'tcp', serverPort: 8000 });
  assert.notEqual(made['protocol'], 'HTTP');
});

test('header names and values are trimmed as String.prototype.trim does (every Latin-1 blank), names lower-cased, folded lines joined', () => {
  const bytes = Uint8Array.from(Buffer.from('GET / HTTP/1.1\r\n\x0b\xa0X-Name \t:\x0c\xa0 a value \xa0\x0b\r\nEmpty:\r\nFolded: one\r\n  two \r\n:no-name\r\n\r\n', 'latin1'));
  const h = parseHead(bytes, 0, bytes.length)!;
  assert.deepEqual(h.headers, [['x-name', 'a value'], ['empty', ''], ['folded', 'one two']]);
  assert.equal(h.complete, true);
});
