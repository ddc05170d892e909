import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conversationFrames, hexBytes as hex } from '../test-support/dpi-test-kit.js';
import { writePcap } from '../test-support/capture-writer.js';
import { buildAttackMix } from '../test-support/attack-mix.js';
import { runSonde, storeAsText } from '../test-support/golden.js';
import { Pseudonymizer } from '../privacy/pseudonymizer.js';

// --pseudonymize as a user meets it: a key from `sonde keygen`, then flow records, the DuckDB
// store and alerts in which no real address is left, every one replaced consistently.

const dir = mkdtempSync(join(tmpdir(), 'sonde-privacy-'));

const DNS_RESPONSE = hex(`
  1234 8180 0001 0002 0000 0000
  03 777777 07 6578616d706c65 03 636f6d 00  0001 0001
  c00c 0001 0001 0000012c 0004  cb007145                                   # A 203.0.113.69
  c00c 001c 0001 0000012c 0010  20010db8000000000000000000000045           # AAAA 2001:db8::45
`);
const DNS_QUERY = hex(`1234 0100 0001 0000 0000 0000  03 777777 07 6578616d706c65 03 636f6d 00 0001 0001`);

const frames = [
  ...conversationFrames([{ dir: 0, payload: DNS_QUERY }, { dir: 1, payload: DNS_RESPONSE }], { transport: 'udp', serverPort: 53, client: '192.0.2.10', server: '192.0.2.53' }),
  ...conversationFrames([{ dir: 0, payload: 'GET /index.html HTTP/1.1\r\nHost: 203.0.113.80\r\nUser-Agent: test/1.0\r\n\r\n' }, { dir: 1, payload: 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n' }], { transport: 'tcp', serverPort: 80, client: '192.0.2.10', server: '203.0.113.80' }),
  ...conversationFrames([{ dir: 0, payload: DNS_QUERY }, { dir: 1, payload: DNS_RESPONSE }], { transport: 'udp', serverPort: 53, client: '2001:db8:1::10', server: '2001:db8:1::53' }),
];
const capture = join(dir, 'mixed.pcap');
writeFileSync(capture, writePcap(frames.map((data, i) => ({ ts: 1_780_000_000_000_000 + i * 1000, data })), { linkType: 1 }));
const REAL = ['192.0.2.10', '192.0.2.53', '203.0.113.69', '2001:db8::45', '203.0.113.80', '2001:db8:1::10', '2001:db8:1::53'];

const keyFile = join(dir, 'key');
const lines = (s: string): Record<string, unknown>[] => s.split('\n').filter((l) => l).map((l) => JSON.parse(l) as Record<string, unknown>);

/** every string inside a record passed through the pseudonymizer: what the pseudonymised record must be */
function mapped(p: Pseudonymizer, value: unknown): unknown {
  if (typeof value === 'string') return p.text(value);
  if (Array.isArray(value)) return value.map((v) => mapped(p, v));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapped(p, v)]));
  return value;
}

test('keygen writes a 32-byte key in hexadecimal with mode 0600, and never overwrites one', () => {
  const r = runSonde(['keygen', '-o', keyFile]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(readFileSync(keyFile, 'utf8'), /^[0-9a-f]{64}\n$/);
  assert.equal(statSync(keyFile).mode & 0o777, 0o600);
  const again = runSonde(['keygen', '-o', keyFile]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /^sonde: '.*key' exists: sonde keygen never overwrites a key/);
  const other = join(dir, 'key2');
  assert.equal(runSonde(['keygen', '-o', other]).status, 0);
  assert.notEqual(readFileSync(other, 'utf8'), readFileSync(keyFile, 'utf8'));
  assert.equal(runSonde(['keygen']).status, 2);
});

test('analyze --pseudonymize: records are the plain ones with every address mapped, and no real address is left', async () => {
  const plain = runSonde(['analyze', capture, '-f', 'jsonl']);
  assert.equal(plain.status, 0, plain.stderr);
  const db = join(dir, 'p.duckdb');
  const pseud = runSonde(['analyze', capture, '-f', 'jsonl', '--pseudonymize', keyFile, '--db', db]);
  assert.equal(pseud.status, 0, pseud.stderr);
  const p = new Pseudonymizer(Uint8Array.from(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'hex')));
  const before = lines(plain.stdout);
  assert.equal(before.length, 3);
  assert.ok(before.some((r) => JSON.stringify(r).includes('203.0.113.69')), 'the plain records hold the DNS answer');
  assert.ok(before.some((r) => r['hostname'] === '203.0.113.80'), 'and the address in the Host header');
  assert.deepEqual(lines(pseud.stdout), before.map((r) => mapped(p, r)));
  for (const real of REAL) assert.ok(!pseud.stdout.includes(real), `${real} in the records`);
  // the store, every table of it
  const stored = await storeAsText(db);
  assert.ok(stored.includes(p.address('192.0.2.10')), 'the store holds the pseudonyms');
  for (const real of REAL) assert.ok(!stored.includes(real), `${real} in the store`);
});

test('analyze --pseudonymize: alerts carry pseudonyms in target, top sources and evidence', () => {
  const mix = join(dir, 'flood.pcap');
  writeFileSync(mix, buildAttackMix({ seed: 3, durationS: 20, attacks: [{ kind: 'syn_flood', startS: 5, durationS: 5, pps: 3000, target: '192.0.2.10' }] }).pcap);
  const alertsFile = join(dir, 'alerts.jsonl');
  const r = runSonde(['analyze', mix, '--pseudonymize', keyFile, '--alerts', alertsFile]);
  assert.equal(r.status, 0, r.stderr);
  const p = new Pseudonymizer(Uint8Array.from(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'hex')));
  const alerts = lines(readFileSync(alertsFile, 'utf8'));
  assert.equal(alerts.length, 2);
  for (const a of alerts) {
    assert.equal(a['target'], p.address('192.0.2.10'));
    assert.ok(!JSON.stringify(a).includes('192.0.2.10'));
  }
  assert.ok(!r.stdout.includes('192.0.2.10'), 'the summary shows the pseudonym');
  assert.ok(r.stdout.includes(p.address('192.0.2.10')));
});

test('a key file that is missing or malformed is one line and a non-zero exit', () => {
  const missing = runSonde(['analyze', capture, '--pseudonymize', join(dir, 'nope')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /^sonde: cannot read the key file '.*nope': no such file \(make one with 'sonde keygen -o .*'\)\n$/);
  const short = join(dir, 'short');
  writeFileSync(short, 'abcd\n');
  const bad = runSonde(['analyze', capture, '--pseudonymize', short]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /^sonde: the key file '.*short' holds 5 bytes: a key is 32 raw bytes or 64 hexadecimal characters/);
  const raw = join(dir, 'raw');
  writeFileSync(raw, Buffer.alloc(32, 7));
  assert.equal(runSonde(['analyze', capture, '--pseudonymize', raw]).status, 0, 'a raw 32-byte key is taken');
});

test('analyze --privacy strict: registrable domains, no path or user agent, no early gaps, in the records and the store', () => {
  const db = join(dir, 'strict.duckdb');
  const r = runSonde(['analyze', capture, '-f', 'jsonl', '--privacy', 'strict', '--db', db, '--store-features']);
  assert.equal(r.status, 0, r.stderr);
  const records = lines(r.stdout);
  const http = records.find((x) => x['protocol'] === 'HTTP')!;
  assert.equal((http['http'] as Record<string, unknown>)['host'], '203.0.113.80', 'an address is no host name to cut');
  assert.ok(!('path' in (http['http'] as object)) && !('user_agent' in (http['http'] as object)), JSON.stringify(http['http']));
  const dns = records.find((x) => x['protocol'] === 'DNS' && x['ip_version'] === 4)!;
  assert.equal((dns['dns'] as Record<string, unknown>)['query'], 'example.com');
  assert.equal(dns['hostname'], 'example.com');
  for (const x of records) assert.deepEqual(x['early_iats_ms'], []);
  assert.ok(!r.stdout.includes('/index.html') && !r.stdout.includes('test/1.0') && !r.stdout.includes('www.example.com'));
  const stored = runSonde(['query', '--db', db, 'SELECT * FROM http', '--format', 'json']);
  assert.equal(stored.status, 0, stored.stderr);
  assert.ok(!stored.stdout.includes('/index.html') && !stored.stdout.includes('test/1.0'), stored.stdout);
  const gaps = lines(runSonde(['query', '--db', db, 'SELECT early_iats_ms, early_sizes FROM flow_features', '--format', 'json']).stdout);
  assert.equal(gaps.length, records.length, 'the features were stored');
  for (const g of gaps) {
    assert.deepEqual(g['early_iats_ms'], [], 'no early gaps in the store either');
    assert.ok((g['early_sizes'] as unknown[]).length > 0);
  }
  const bad = runSonde(['analyze', capture, '--privacy', 'paranoid']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--privacy/);
});
