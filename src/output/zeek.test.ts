import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DISSECTORS } from '../dpi/runtime/registry.js';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  connRow, dnsRow, escapeZeekString, formatZeekValue, httpRow, sshRow, sslRow, writeZeekLogs, zeekHeader, zeekJson,
  zeekRow, zeekUid, ZEEK_LOG_NAMES, ZEEK_LOGS, type FlowRecord, type ZeekLogName,
} from './zeek.js';
import { CAPTURES_DIR, FIXTURES_DIR, runSonde } from '../test-support/golden.js';
import { hexBytes as hex, identify } from '../test-support/dpi-test-kit.js';
import {
  alpnExt, bytes, certificate, certificateBody, clientHelloBody, emptyExt, groupsExt, handshake, record, serverHelloBody, sigAlgsExt, sniExt,
} from '../test-support/tls-hello.js';

// ---- inputs: records as `sonde analyze --format jsonl` prints them, and conversations run
// through the engine for the protocols no fixture capture has (DNS with payload, TLS, SSH)

function analyze(path: string): FlowRecord[] {
  const r = runSonde(['analyze', path, '--format', 'jsonl', '--no-store']);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter((l) => l).map((l) => JSON.parse(l) as FlowRecord);
}

const loopback = analyze(join(CAPTURES_DIR, 'loopback-http.pcap'));
const sample = analyze(join(FIXTURES_DIR, 'sample.pcap'));

const DNS_QUERY = hex(`1234 0100 0001 0000 0000 0000  03 777777 07 6578616d706c65 03 636f6d 00  0001 0001`); // www.example.com A
const DNS_ANSWER = hex(`
  1234 8180 0001 0002 0000 0000  03 777777 07 6578616d706c65 03 636f6d 00  0001 0001
  c00c 0005 0001 0000012c 0011  03 63646e 07 6578616d706c65 03 6e6574 00   # CNAME cdn.example.net
  c02d 0001 0001 0000012c 0004  c0000201                                   # A 192.0.2.1
`);
const dnsFlow = identify([{ dir: 0, payload: DNS_QUERY }, { dir: 1, payload: DNS_ANSWER }], { transport: 'udp', serverPort: 53 });

const tlsFlow = identify([
  { dir: 0, payload: bytes(record(22, handshake(1, clientHelloBody({
    ciphers: [0xc02f, 0x0035],
    extensions: [sniExt('www.example.com'), alpnExt(['h2', 'http/1.1']), groupsExt([0x0017]), sigAlgsExt([0x0401])],
  })))) },
  { dir: 1, payload: bytes(record(22, [
    ...handshake(2, serverHelloBody({ cipher: 0xc02f, extensions: [alpnExt(['h2']), emptyExt(0xff01, [0])] })),
    ...handshake(11, certificateBody([certificate({ subjectCn: 'www.example.com', issuerCn: 'Example CA', notBefore: '230101000000Z', notAfter: '241231235959Z', san: ['www.example.com'] })])),
    ...handshake(14, []),
  ], 0x0303)) },
], { transport: 'tcp', serverPort: 443 });

const sshFlow = identify([
  { dir: 1, payload: 'SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n' },
  { dir: 0, payload: 'SSH-2.0-OpenSSH_9.6\r\n' },
], { transport: 'tcp', serverPort: 22 });

/** a cell of a row by Zeek field name */
function cells(log: ZeekLogName, row: string[] | null): Record<string, string> {
  assert.ok(row !== null, `no ${log} row`);
  const fields = ZEEK_LOGS[log].fields;
  assert.equal(row.length, fields.length);
  return Object.fromEntries(fields.map((f, i) => [f.name, row[i]!]));
}

/**
 * What zeek-cut does: take the separator from #separator, the column names from #fields, and
 * print the chosen columns of every data line as they are (no unescaping).
 */
function zeekCut(text: string, columns: readonly string[]): string[][] {
  const lines = text.split('\n');
  const sepLine = lines.find((l) => l.startsWith('#separator '));
  assert.ok(sepLine, 'no #separator line');
  const sep = sepLine.slice('#separator '.length).replace(/\\x([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  let names: string[] = [];
  const out: string[][] = [];
  for (const line of lines) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const [key, ...rest] = line.split(sep);
      if (key === '#fields') names = rest;
      continue;
    }
    const values = line.split(sep);
    assert.equal(values.length, names.length, `a row with ${values.length} columns under ${names.length} fields: ${line}`);
    out.push(columns.map((c) => {
      const i = names.indexOf(c);
      assert.ok(i >= 0, `no column ${c}`);
      return values[i]!;
    }));
  }
  return out;
}

const unescape = (cell: string): string => cell.replace(/\\x([0-9a-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

// ---- the field lists: Zeek 6.x base scripts, in Zeek's order, before any addition

const ID = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p'];
const ID_TYPES = ['time', 'string', 'addr', 'port', 'addr', 'port'];
const ZEEK_FIELDS: Record<ZeekLogName, [string[], string[]]> = {
  conn: [
    [...ID, 'proto', 'service', 'duration', 'orig_bytes', 'resp_bytes', 'conn_state', 'local_orig', 'local_resp', 'missed_bytes', 'history', 'orig_pkts', 'orig_ip_bytes', 'resp_pkts', 'resp_ip_bytes', 'tunnel_parents'],
    [...ID_TYPES, 'enum', 'string', 'interval', 'count', 'count', 'string', 'bool', 'bool', 'count', 'string', 'count', 'count', 'count', 'count', 'set[string]'],
  ],
  dns: [
    [...ID, 'proto', 'trans_id', 'rtt', 'query', 'qclass', 'qclass_name', 'qtype', 'qtype_name', 'rcode', 'rcode_name', 'AA', 'TC', 'RD', 'RA', 'Z', 'answers', 'TTLs', 'rejected'],
    [...ID_TYPES, 'enum', 'count', 'interval', 'string', 'count', 'string', 'count', 'string', 'count', 'string', 'bool', 'bool', 'bool', 'bool', 'count', 'vector[string]', 'vector[interval]', 'bool'],
  ],
  http: [
    [...ID, 'trans_depth', 'method', 'host', 'uri', 'referrer', 'version', 'user_agent', 'origin', 'request_body_len', 'response_body_len', 'status_code', 'status_msg', 'info_code', 'info_msg', 'tags', 'username', 'password', 'proxied', 'orig_fuids', 'orig_filenames', 'orig_mime_types', 'resp_fuids', 'resp_filenames', 'resp_mime_types'],
    [...ID_TYPES, 'count', 'string', 'string', 'string', 'string', 'string', 'string', 'string', 'count', 'count', 'count', 'string', 'count', 'string', 'set[enum]', 'string', 'string', 'set[string]', 'vector[string]', 'vector[string]', 'vector[string]', 'vector[string]', 'vector[string]', 'vector[string]'],
  ],
  ssl: [
    [...ID, 'version', 'cipher', 'curve', 'server_name', 'resumed', 'last_alert', 'next_protocol', 'established', 'ssl_history', 'cert_chain_fps', 'client_cert_chain_fps', 'sni_matches_cert'],
    [...ID_TYPES, 'string', 'string', 'string', 'string', 'bool', 'string', 'string', 'bool', 'string', 'vector[string]', 'vector[string]', 'bool'],
  ],
  ssh: [
    [...ID, 'version', 'auth_success', 'auth_attempts', 'direction', 'client', 'server', 'cipher_alg', 'mac_alg', 'compression_alg', 'kex_alg', 'host_key_alg', 'host_key'],
    [...ID_TYPES, 'count', 'bool', 'count', 'enum', 'string', 'string', 'string', 'string', 'string', 'string', 'string', 'string'],
  ],
};

test("every log starts with Zeek's own fields and types, in Zeek's order; additions come after", () => {
  for (const log of ZEEK_LOG_NAMES) {
    const fields = ZEEK_LOGS[log].fields;
    const [names, types] = ZEEK_FIELDS[log];
    assert.deepEqual(fields.slice(0, names.length).map((f) => f.name), names, log);
    assert.deepEqual(fields.slice(0, types.length).map((f) => f.type), types, log);
    assert.equal(new Set(fields.map((f) => f.name)).size, fields.length, `${log}: a field twice`);
  }
  // conn.log's additions all carry the sonde_ prefix
  for (const f of ZEEK_LOGS.conn.fields.slice(ZEEK_FIELDS.conn[0].length)) assert.match(f.name, /^sonde_/);
});

test('TSV header: the preamble lines, and #fields and #types of the same length', () => {
  for (const log of ZEEK_LOG_NAMES) {
    const lines = zeekHeader(log, ZEEK_LOGS[log].fields, new Date(Date.UTC(2024, 1, 29, 13, 5, 9))).split('\n');
    assert.deepEqual(lines.slice(0, 6), ['#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', `#path\t${log}`, '#open\t2024-02-29-13-05-09']);
    const fields = lines[6]!.split('\t');
    const types = lines[7]!.split('\t');
    assert.equal(fields[0], '#fields');
    assert.equal(types[0], '#types');
    assert.equal(fields.length, types.length);
    assert.equal(fields.length - 1, ZEEK_LOGS[log].fields.length);
    assert.equal(lines[8], '');
  }
});

test('escaping: separators, newlines, backslashes and control bytes as \\xNN; UTF-8 stays; markers are escaped', () => {
  assert.equal(escapeZeekString('a\tb\nc\rd\\e'), 'a\\x09b\\x0ac\\x0dd\\x5ce');
  assert.equal(escapeZeekString('nul\u0000 bell\u0007 del\u007f esc\u001b'), 'nul\\x00 bell\\x07 del\\x7f esc\\x1b');
  assert.equal(escapeZeekString('café 日本 🦊'), 'café 日本 🦊');
  assert.equal(escapeZeekString('-'), '\\x2d');
  assert.equal(escapeZeekString('(empty)'), '\\x28empty)');
  assert.equal(escapeZeekString('--'), '--');
  assert.equal(escapeZeekString(''), '(empty)');
  assert.equal(escapeZeekString('a,b'), 'a,b'); // a comma only separates inside sets and vectors
  assert.equal(formatZeekValue('set[string]', ['a,b', '-', '(empty)', 'c']), 'a\\x2cb,\\x2d,\\x28empty),c');
  assert.equal(formatZeekValue('set[string]', []), '(empty)');
  assert.equal(formatZeekValue('vector[string]', null), '-');
  assert.equal(formatZeekValue('bool', false), 'F');
  assert.equal(formatZeekValue('time', 1700000000.5), '1700000000.500000');
  assert.equal(formatZeekValue('interval', 0.0000004), '0.000000');
});

test('a hostile record: every value stays in its own column and reads back', () => {
  const hostile: FlowRecord = {
    ...loopback[0]!,
    hostname: 'evil\thost\nname',
    risks: ['x,y', '-'],
    http: { method: 'GET', host: '-', path: '(empty)', user_agent: 'ua\\with\ttab\u0001ctl é', status: 200, content_type: 'Text/HTML; charset=x', server: '' },
  };
  const conn = cells('conn', connRow(hostile));
  assert.equal(conn['sonde_hostname'], 'evil\\x09host\\x0aname');
  assert.equal(conn['sonde_risks'], 'x\\x2cy,\\x2d');
  const http = cells('http', httpRow(hostile));
  assert.equal(http['host'], '\\x2d');
  assert.equal(http['uri'], '\\x28empty)');
  assert.equal(http['user_agent'], 'ua\\x5cwith\\x09tab\\x01ctl é');
  assert.equal(unescape(http['user_agent']!), 'ua\\with\ttab\u0001ctl é');
  assert.equal(http['resp_mime_types'], 'text/html');
  assert.equal(http['sonde_server'], '(empty)');
  for (const row of [connRow(hostile)!, httpRow(hostile)!]) {
    for (const cell of row) assert.doesNotMatch(cell, /[\t\n\r]/);
  }
});

test('conn row of a TCP flow of the loopback HTTP capture, field by field', () => {
  const r = loopback[0]!;
  assert.equal(r['sport'], 38948); // the first curl request
  const c = cells('conn', connRow(r));
  assert.deepEqual(c, {
    ts: '1795307873.086930',
    uid: zeekUid(r),
    'id.orig_h': '127.0.0.1',
    'id.orig_p': '38948',
    'id.resp_h': '127.0.0.1',
    'id.resp_p': '18080',
    proto: 'tcp',
    service: 'http',
    duration: '0.005834',
    orig_bytes: '89',
    resp_bytes: '221',
    conn_state: 'SF',
    local_orig: '-',
    local_resp: '-',
    missed_bytes: '0',
    history: 'ShADadfF',
    orig_pkts: '6',
    orig_ip_bytes: '493',
    resp_pkts: '6',
    resp_ip_bytes: '625',
    tunnel_parents: '-',
    sonde_protocol: 'HTTP',
    sonde_application: '-',
    sonde_address_application: '-',
    sonde_category: 'Web',
    sonde_confidence: 'dpi',
    sonde_hostname: '127.0.0.1',
    sonde_risks: 'http_numeric_ip_host,http_suspicious_user_agent,known_protocol_on_non_standard_port',
    sonde_vlan: '-',
    sonde_tunnel: '-',
    sonde_end_reason: 'end',
  });
  assert.match(c['uid']!, /^C[0-9A-Za-z]{10,}$/);
});

test('conn rows: one-packet UDP, ICMP, VLAN, tunnels and port guesses as Zeek shows them', () => {
  const udp = cells('conn', connRow(loopback[2]!));
  // Zeek leaves duration and payload bytes unset for a connection that did not last
  assert.deepEqual([udp['proto'], udp['service'], udp['duration'], udp['orig_bytes'], udp['resp_bytes'], udp['conn_state'], udp['history']], ['udp', '-', '-', '-', '-', 'S0', 'D']);
  assert.deepEqual([udp['orig_pkts'], udp['orig_ip_bytes'], udp['resp_pkts'], udp['resp_ip_bytes']], ['1', '46', '0', '0']);

  const icmp = cells('conn', connRow(sample.find((r) => r['l4'] === 'ICMP')!));
  assert.deepEqual([icmp['proto'], icmp['id.orig_p'], icmp['id.resp_p'], icmp['service'], icmp['conn_state']], ['icmp', '-', '-', '-', 'OTH']);
  const icmp6 = cells('conn', connRow(sample.find((r) => r['l4'] === 'ICMPv6')!));
  assert.equal(icmp6['proto'], 'icmp');

  // DNS named by its port only: no Zeek service, and no dns.log row without a parsed message
  const guessed: FlowRecord = { ...sample.find((r) => r['vlan'] === 100)!, protocol: 'DNS', confidence: 'port', dns: null };
  const g = cells('conn', connRow(guessed));
  assert.deepEqual([g['service'], g['sonde_protocol'], g['sonde_vlan']], ['-', 'DNS', '100']);
  assert.equal(dnsRow(guessed), null);
  assert.equal(cells('conn', connRow(sample.find((r) => r['tunnel'] === 'GRE')!))['sonde_tunnel'], 'GRE');

  // non-first fragments count in the IP bytes
  const fragmented = sample.find((r) => r['sport'] === 5353)!;
  assert.equal(cells('conn', connRow(fragmented))['orig_ip_bytes'], String(1514 + 1062));

  const other = cells('conn', connRow({ ...loopback[2]!, l4: 'SCTP', l4_proto: 132, protocol: 'SCTP', confidence: 'dpi' }));
  assert.deepEqual([other['proto'], other['service'], other['conn_state']], ['unknown_transport', '-', 'OTH']);
});

test('conn service: Zeek analyzer names; STARTTLS adds ssl', () => {
  const base = loopback[0]!;
  const service = (extra: FlowRecord): string => cells('conn', connRow({ ...base, ...extra }))['service']!;
  assert.equal(service({ protocol: 'TLS' }), 'ssl');
  assert.equal(service({ protocol: 'VNC' }), 'rfb');
  assert.equal(service({ protocol: 'Kerberos' }), 'krb_tcp');
  assert.equal(service({ protocol: 'SMTP', smtp: { starttls: true } }), 'smtp,ssl');
  assert.equal(service({ protocol: 'IEC60870-5-104' }), 'iec60870_5_104');
  assert.equal(service({ protocol: null }), '-');
});

test('http rows from the captures', () => {
  const [ok, missing] = [cells('http', httpRow(loopback[0]!)), cells('http', httpRow(loopback[1]!))];
  assert.deepEqual(
    [ok['trans_depth'], ok['method'], ok['host'], ok['uri'], ok['user_agent'], ok['status_code'], ok['tags'], ok['resp_mime_types'], ok['sonde_server']],
    ['1', 'GET', '127.0.0.1', '/index.html', 'curl/7.88.1', '200', '(empty)', 'text/html', 'SimpleHTTP/0.6 Python/3.11.7'],
  );
  assert.deepEqual([missing['uri'], missing['status_code'], missing['resp_mime_types']], ['/missing', '404', 'text/html']);
  assert.equal(ok['uid'], cells('conn', connRow(loopback[0]!))['uid'], 'the http row names its connection');
  for (const f of ['referrer', 'version', 'origin', 'request_body_len', 'response_body_len', 'status_msg', 'username', 'password', 'proxied', 'orig_fuids', 'resp_fuids']) {
    assert.equal(ok[f], '-', f);
  }
  assert.equal(httpRow(loopback[2]!), null);

  const v6 = cells('http', httpRow(sample.find((r) => r['ip_version'] === 6 && r['protocol'] === 'HTTP')!));
  assert.deepEqual([v6['id.orig_h'], v6['id.resp_h'], v6['host'], v6['uri'], v6['user_agent'], v6['resp_mime_types']], ['2001:db8::10', '2001:db8:1::80', 'example.test', '/', '-', '-']);

  const connect = cells('http', httpRow({ ...loopback[0]!, risks: ['url_possible_sql_injection'], http: { method: 'CONNECT', host: 'example.com', target: 'example.com:443' } }));
  assert.deepEqual([connect['uri'], connect['tags']], ['example.com:443', 'HTTP::URI_SQLI']);
});

test('dns row of a query and its answer', () => {
  const d = cells('dns', dnsRow(dnsFlow));
  assert.deepEqual(d, {
    ts: '1700000000.000000',
    uid: zeekUid(dnsFlow),
    'id.orig_h': '192.0.2.10',
    'id.orig_p': '50000',
    'id.resp_h': '198.51.100.20',
    'id.resp_p': '53',
    proto: 'udp',
    trans_id: '-',
    rtt: '0.001000',
    query: 'www.example.com',
    qclass: '-',
    qclass_name: '-',
    qtype: '1',
    qtype_name: 'A',
    rcode: '0',
    rcode_name: 'NOERROR',
    AA: '-',
    TC: '-',
    RD: '-',
    RA: '-',
    Z: '-',
    answers: 'cdn.example.net,192.0.2.1',
    TTLs: '-',
    rejected: '-',
  });
  assert.equal(cells('conn', connRow(dnsFlow))['service'], 'dns');

  const onlyQuery = cells('dns', dnsRow(identify([{ dir: 0, payload: DNS_QUERY }], { transport: 'udp', serverPort: 53 })));
  assert.deepEqual([onlyQuery['query'], onlyQuery['rtt'], onlyQuery['rcode'], onlyQuery['answers']], ['www.example.com', '-', '-', '-']);
});

test("dns codes and names in Zeek's spelling", () => {
  const dns = (d: FlowRecord): Record<string, string> => cells('dns', dnsRow({ ...dnsFlow, dns: d }));
  const any = dns({ query: 'example.com', qtype: 'ANY', rcode: 'NXRRSET' });
  assert.deepEqual([any['qtype'], any['qtype_name'], any['rcode'], any['rcode_name']], ['255', '*', '8', 'NXRRSet']);
  const odd = dns({ query: 'example.com', qtype: 'TYPE3', rcode: 'RCODE12' });
  assert.deepEqual([odd['qtype'], odd['qtype_name'], odd['rcode'], odd['rcode_name']], ['3', 'MD', '12', 'unassigned-12']);
  const unknown = dns({ query: 'example.com', qtype: 'TYPE999', rcode: 'NXDOMAIN', answers: [] });
  assert.deepEqual([unknown['qtype'], unknown['qtype_name'], unknown['rcode'], unknown['answers']], ['999', 'query-999', '3', '-']);
  assert.deepEqual([dns({ query: 'example.com', qtype: 'HTTPS' })['qtype'], dns({ qtype: 'AAAA' })['qtype']], ['65', '28']);
});

test('ssl row of a TLS 1.2 handshake with a certificate', () => {
  const s = cells('ssl', sslRow(tlsFlow));
  assert.deepEqual(s, {
    ts: '1700000000.000000',
    uid: zeekUid(tlsFlow),
    'id.orig_h': '192.0.2.10',
    'id.orig_p': '50000',
    'id.resp_h': '198.51.100.20',
    'id.resp_p': '443',
    version: 'TLSv12',
    cipher: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
    curve: '-',
    server_name: 'www.example.com',
    resumed: '-',
    last_alert: '-',
    next_protocol: 'h2',
    established: '-',
    ssl_history: '-',
    cert_chain_fps: '-',
    client_cert_chain_fps: '-',
    sni_matches_cert: 'T',
    subject: 'CN=www.example.com',
    issuer: 'CN=Example CA',
    ja3: String(tlsFlow['ja3']),
    ja3s: String(tlsFlow['ja3s']),
    ja4: String(tlsFlow['ja4']),
    sonde_client_alpn: 'h2,http/1.1',
    sonde_san_dns: 'www.example.com',
    sonde_cert_not_before: '1672531200.000000',
    sonde_cert_not_after: '1735689599.000000',
  });
  assert.match(s['ja3']!, /^[0-9a-f]{32}$/);
  assert.equal(cells('conn', connRow(tlsFlow))['service'], 'ssl');
  assert.equal(sslRow(loopback[0]!), null);
});

test("ssl versions and ciphers in Zeek's spelling; DTLS goes to ssl.log; SNI match from the mismatch risk", () => {
  const ssl = (extra: FlowRecord): Record<string, string> => cells('ssl', sslRow({ ...tlsFlow, tls: null, ...extra }));
  const v = (version: string): string => ssl({ tls: { version } })['version']!;
  assert.deepEqual(['TLSv1', 'TLSv1.1', 'TLSv1.3', 'SSLv3', 'DTLSv1.0', 'DTLSv1.2', '0x7f1c'].map(v), ['TLSv10', 'TLSv11', 'TLSv13', 'SSLv3', 'DTLSv10', 'DTLSv12', 'unknown-32540']);
  assert.equal(ssl({ tls: { cipher: '0x00ff' } })['cipher'], 'unknown-255');
  assert.equal(ssl({ dtls: { version: 'DTLSv1.2', sni: 'call.example.net' } })['server_name'], 'call.example.net');
  assert.equal(ssl({ tls: { sni: 'a.example', subject: 'b.example' }, risks: ['certificate_mismatch'] })['sni_matches_cert'], 'F');
  assert.equal(ssl({ tls: { sni: 'a.example' } })['sni_matches_cert'], '-'); // no certificate seen
  assert.equal(ssl({ tls: { subject: 'b.example' } })['sni_matches_cert'], '-'); // no SNI: unset, as Zeek
  // RFC 4514 escapes the comma with a backslash, which the TSV writes as \x5c
  assert.equal(ssl({ tls: { subject: 'Acme, Inc.' } })['subject'], 'CN=Acme\\x5c, Inc.');
});

test('ssh row from the banners', () => {
  const s = cells('ssh', sshRow({ ...sshFlow, hassh: 'ec7378c1a92f5a8dde7e8b7a1ddf33d1', ssh: { ...(sshFlow['ssh'] as FlowRecord), server_host_key: 'ssh-ed25519,rsa-sha2-512' } }));
  assert.deepEqual(
    [s['id.resp_p'], s['version'], s['client'], s['server'], s['auth_success'], s['auth_attempts'], s['kex_alg'], s['hassh'], s['hasshServer'], s['sshka']],
    ['22', '2', 'SSH-2.0-OpenSSH_9.6', 'SSH-2.0-OpenSSH_9.2p1 Debian-2', '-', '-', '-', 'ec7378c1a92f5a8dde7e8b7a1ddf33d1', '-', 'ssh-ed25519,rsa-sha2-512'],
  );
  assert.equal(cells('ssh', sshRow({ ...sshFlow, ssh: { client_banner: 'SSH-1.5-Old', server_banner: 'SSH-1.99-Both' } }))['version'], '1');
  assert.equal(cells('conn', connRow(sshFlow))['service'], 'ssh');
});

test('uids: stable, one per flow shared by its logs, or the caller’s', () => {
  assert.equal(zeekUid(loopback[0]!), zeekUid({ ...loopback[0]! }));
  const uids = new Set([...loopback, ...sample].map(zeekUid));
  assert.equal(uids.size, loopback.length + sample.length);
  assert.equal(zeekUid({ ...loopback[0]!, uid: 'Cmine' }), 'Cmine');
  assert.notEqual(zeekUid({ ...loopback[0]!, flow_id: 1 }), zeekUid({ ...loopback[0]!, flow_id: 2 }));
  assert.equal(cells('conn', connRow(loopback[0]!, () => 'Cfixed'))['uid'], 'Cfixed');
  assert.equal(cells('dns', zeekRow('dns', dnsFlow, () => 'Cfixed'))['uid'], 'Cfixed');
});

const allRecords = (): FlowRecord[] => [...loopback, ...sample, dnsFlow, tlsFlow, sshFlow];

async function* slowly<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const i of items) {
    await Promise.resolve();
    yield i;
  }
}

test('writeZeekLogs (TSV): conn.log always, the others when they have rows; zeek-cut reads them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sonde-zeek-'));
  try {
    const stamp = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
    const only = await writeZeekLogs(loopback, join(dir, 'http-only'), { json: false, openTime: stamp, closeTime: stamp });
    assert.deepEqual(only, { conn: 3, dns: 0, http: 2, ssl: 0, ssh: 0 });
    assert.deepEqual(ZEEK_LOG_NAMES.filter((l) => existsSync(join(dir, 'http-only', `${l}.log`))), ['conn', 'http']);

    const empty = await writeZeekLogs([], join(dir, 'empty'), { json: false, openTime: stamp, closeTime: stamp });
    assert.deepEqual(empty, { conn: 0, dns: 0, http: 0, ssl: 0, ssh: 0 });
    assert.equal(readFileSync(join(dir, 'empty', 'conn.log'), 'utf8'), `${zeekHeader('conn', ZEEK_LOGS.conn.fields, stamp)}#close\t2024-01-02-03-04-05\n`);

    const out = join(dir, 'all');
    const counts = await writeZeekLogs(slowly(allRecords()), out, { json: false, openTime: stamp, closeTime: stamp });
    const expected: Record<string, number> = { conn: allRecords().length, dns: 14, http: 4, ssl: 1, ssh: 1 }; // the sample's 13 tunnelled queries and one more
    assert.deepEqual(counts, expected);
    for (const log of ZEEK_LOG_NAMES) {
      const text = readFileSync(join(out, `${log}.log`), 'utf8');
      const lines = text.split('\n');
      assert.equal(lines[4], `#path\t${log}`);
      assert.equal(lines.at(-2), '#close\t2024-01-02-03-04-05');
      assert.equal(lines.at(-1), '');
      const rows = zeekCut(text, ['uid', 'id.orig_h', 'id.resp_p']);
      assert.equal(rows.length, counts[log]);
      for (const [uid] of rows) assert.match(uid!, /^C[0-9A-Za-z]+$/);
    }
    const conn = readFileSync(join(out, 'conn.log'), 'utf8');
    assert.deepEqual(zeekCut(conn, ['id.orig_p', 'service', 'history'])[0], ['38948', 'http', 'ShADadfF']);
    const dnsRows = zeekCut(readFileSync(join(out, 'dns.log'), 'utf8'), ['query', 'qtype_name', 'rcode_name', 'answers']);
    assert.deepEqual(dnsRows.filter(([q]) => q !== 'inner.test'), [['www.example.com', 'A', 'NOERROR', 'cdn.example.net,192.0.2.1']]);
    // a query left unanswered: no rcode, no answers
    assert.deepEqual(dnsRows.filter(([q]) => q === 'inner.test'), Array.from({ length: 13 }, () => ['inner.test', 'A', '-', '-']));
    assert.deepEqual(zeekCut(readFileSync(join(out, 'ssl.log'), 'utf8'), ['server_name', 'version']), [['www.example.com', 'TLSv12']]);
    // the ssl row and the conn row of the TLS flow share the uid
    const sslUid = zeekCut(readFileSync(join(out, 'ssl.log'), 'utf8'), ['uid'])[0]![0]!;
    assert.ok(zeekCut(conn, ['uid', 'service']).some(([u, s]) => u === sslUid && s === 'ssl'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writeZeekLogs streams many records through its buffers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sonde-zeek-'));
  try {
    function* many(): Generator<FlowRecord> {
      for (let i = 0; i < 3000; i++) yield { ...loopback[0]!, sport: 10000 + i, first_seen: 1795307873 + i };
    }
    const counts = await writeZeekLogs(many(), dir, { json: false });
    assert.equal(counts.conn, 3000);
    assert.equal(counts.http, 3000);
    const rows = zeekCut(readFileSync(join(dir, 'conn.log'), 'utf8'), ['id.orig_p']);
    assert.deepEqual(rows.map(([p]) => Number(p)), Array.from({ length: 3000 }, (_, i) => 10000 + i));
    assert.equal(new Set(zeekCut(readFileSync(join(dir, 'http.log'), 'utf8'), ['uid']).map(([u]) => u)).size, 3000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('JSON variant: one object per line, Zeek field names, unset fields left out, same values as TSV', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sonde-zeek-'));
  try {
    const counts = await writeZeekLogs(allRecords(), dir, { json: true });
    for (const log of ZEEK_LOG_NAMES) {
      const text = readFileSync(join(dir, `${log}.log`), 'utf8');
      assert.ok(!text.includes('#'), 'no header lines in JSON logs');
      const objects = text.split('\n').filter((l) => l).map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.equal(objects.length, counts[log]);
      const rows = allRecords().map((r) => zeekRow(log, r)).filter((r): r is string[] => r !== null);
      const fields = ZEEK_LOGS[log].fields;
      objects.forEach((o, n) => {
        const names = fields.map((f) => f.name);
        assert.deepEqual(Object.keys(o), names.filter((k) => k in o), 'keys in field order');
        fields.forEach((f, i) => {
          const tsv = rows[n]![i]!;
          if (tsv === '-') assert.ok(!(f.name in o), `${log}.${f.name} unset but present`);
          else assert.equal(formatZeekValue(f.type, o[f.name] as never), tsv, `${log}.${f.name}`);
        });
      });
    }
    const conn = JSON.parse(readFileSync(join(dir, 'conn.log'), 'utf8').split('\n')[0]!) as Record<string, unknown>;
    assert.equal(conn['ts'], 1795307873.08693);
    assert.equal(conn['id.orig_p'], 38948);
    assert.ok(Array.isArray(conn['sonde_risks']));
    assert.ok(!('local_orig' in conn) && !('tunnel_parents' in conn));
    const http = zeekJson('http', loopback[0]!)!;
    assert.deepEqual([http['tags'], http['resp_mime_types'], http['status_code']], [[], ['text/html'], 200]);
    assert.equal(zeekJson('dns', loopback[0]!), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the logs besides conn.log are the ones the protocol folders declare (Dissector.zeek)', () => {
  const declared = DISSECTORS.filter((d) => d.zeek !== undefined).map((d) => d.zeek!.log);
  assert.deepEqual([...ZEEK_LOG_NAMES].sort(), ['conn', ...declared].sort());
  assert.deepEqual(declared.sort(), ['dns', 'http', 'ssh', 'ssl']);
});
