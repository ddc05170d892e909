import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { conversationFrames, hexBytes as hex } from '../test-support/dpi-test-kit.js';
import { writePcap } from '../test-support/capture-writer.js';
import { runSonde, storeAsText } from '../test-support/golden.js';
import { clickHouseMissing, ClickHouseTestServer } from '../test-support/clickhouse-server.js';

// No payload byte reaches any output: a capture whose payloads carry a marker (an HTTP body up
// and down, a DNS TXT answer, a chat-like TCP stream, an unknown UDP datagram) goes through
// every output, and the marker is found in none. Outputs are read back as values (queries,
// decoded Parquet), since a compressed file could hide the marker's bytes.

const MARKER = 'QXJ-sonde-marker-4417';
const dir = mkdtempSync(join(tmpdir(), 'sonde-nopayload-'));
const markerHex = Buffer.from(MARKER).toString('hex');
const txtAnswer = hex(`
  4321 8180 0001 0001 0000 0000
  04 6e6f7465 07 6578616d706c65 03 636f6d 00  0010 0001
  c00c 0010 0001 0000003c ${(MARKER.length + 1).toString(16).padStart(4, '0')} ${MARKER.length.toString(16).padStart(2, '0')} ${markerHex}
`);
const txtQuery = hex(`4321 0100 0001 0000 0000 0000  04 6e6f7465 07 6578616d706c65 03 636f6d 00 0010 0001`);
const frames = [
  ...conversationFrames([
    { dir: 0, payload: `POST /submit HTTP/1.1\r\nHost: www.example.com\r\nContent-Length: ${MARKER.length + 5}\r\n\r\nnote=${MARKER}` },
    { dir: 1, payload: `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${MARKER.length}\r\n\r\n${MARKER}` },
  ], { transport: 'tcp', serverPort: 80 }),
  ...conversationFrames([{ dir: 0, payload: txtQuery }, { dir: 1, payload: txtAnswer }], { transport: 'udp', serverPort: 53, clientPort: 40053 }),
  ...conversationFrames([
    { dir: 0, payload: `NICK alice\r\nUSER alice 0 * :Alice\r\n` },
    { dir: 1, payload: `:irc.example.net 001 alice :Welcome\r\n` },
    { dir: 0, payload: `PRIVMSG #friends :${MARKER}\r\n` },
  ], { transport: 'tcp', serverPort: 6667, clientPort: 40667 }),
  ...conversationFrames([{ dir: 0, payload: `\x00\x01${MARKER}` }], { transport: 'udp', serverPort: 47000, clientPort: 40470 }),
];
const capture = join(dir, 'marked.pcap');
writeFileSync(capture, writePcap(frames.map((data, i) => ({ ts: 1_780_000_000_000_000 + i * 1000, data })), { linkType: 1 }));

const lines = (s: string): Record<string, unknown>[] => s.split('\n').filter((l) => l).map((l) => JSON.parse(l) as Record<string, unknown>);

test('the marker in payloads reaches no output: records, DuckDB, Zeek logs, CSV and Parquet exports', async () => {
  const db = join(dir, 'marked.duckdb');
  const r = runSonde(['analyze', capture, '-f', 'jsonl', '--db', db]);
  assert.equal(r.status, 0, r.stderr);
  const records = lines(r.stdout);
  assert.equal(records.length, 4);
  assert.deepEqual(records.map((x) => x['protocol']).sort(), ['DNS', 'HTTP', 'IRC', null].sort((a, b) => String(a).localeCompare(String(b))));
  assert.ok(!r.stdout.includes(MARKER) && !r.stderr.includes(MARKER), 'records and messages');
  const stored = await storeAsText(db);
  assert.ok(stored.includes('www.example.com'), 'the store was read');
  assert.ok(!stored.includes(MARKER), 'DuckDB');
  for (const format of ['zeek', 'zeek-json']) {
    const out = join(dir, format);
    const e = runSonde(['export', '--db', db, '--format', format, '-o', out]);
    assert.equal(e.status, 0, e.stderr);
    const logs = readdirSync(out).map((f) => readFileSync(join(out, f), 'utf8')).join('');
    assert.ok(logs.includes('www.example.com'));
    assert.ok(!logs.includes(MARKER), format);
  }
  for (const format of ['jsonl', 'csv']) {
    const out = join(dir, `flows.${format}`);
    assert.equal(runSonde(['export', '--db', db, '--format', format, '-o', out]).status, 0);
    assert.ok(!readFileSync(out, 'utf8').includes(MARKER), format);
  }
  const parquet = join(dir, 'flows.parquet');
  const p = runSonde(['export', '--db', db, '--format', 'parquet', '-o', parquet]);
  assert.equal(p.status, 0, p.stderr);
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(`SELECT to_json(t)::VARCHAR FROM read_parquet('${parquet}') t`);
    const text = reader.getRows().map((row) => String(row[0])).join('\n');
    assert.ok(text.includes('www.example.com'), 'the Parquet file was decoded');
    assert.ok(!text.includes(MARKER), 'Parquet');
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
});

test('the marker in payloads reaches no ClickHouse table', { skip: clickHouseMissing() }, async () => {
  const server = await ClickHouseTestServer.start();
  try {
    const r = runSonde(['analyze', capture, '--no-store', '--clickhouse', `${server.url}/?database=marked`, '--spool', join(server.dir, 'spool')]);
    assert.equal(r.status, 0, r.stderr);
    const tables = (await server.query("SELECT name FROM system.tables WHERE database = 'marked' AND engine NOT LIKE 'Distributed%' FORMAT TSV")).trim().split('\n');
    assert.ok(tables.includes('flows') && tables.includes('http'));
    let text = '';
    for (const t of tables) text += await server.query(`SELECT * FROM marked.\`${t}\` FORMAT JSONEachRow`);
    assert.ok(text.includes('www.example.com'));
    assert.ok(!text.includes(MARKER));
  } finally {
    await server.dispose();
  }
});
