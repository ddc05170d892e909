import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CAPTURES_DIR, FIXTURES_DIR, runSonde, SONDE_BIN } from '../../test-support/golden.js';
import { writePcap } from '../../test-support/capture-writer.js';
import { ethernet, ipv4, udp } from '../../test-support/packet-builder.js';

// The DuckDB store end to end, through the CLI and a real database file.

const dir = mkdtempSync(join(tmpdir(), 'sonde-store-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const sample = join(FIXTURES_DIR, 'sample.pcap');
const http = join(CAPTURES_DIR, 'loopback-http.pcap');
const rowsOf = (stdout: string): Record<string, unknown>[] => stdout.trim().split('\n').filter((l) => l).map((l) => JSON.parse(l) as Record<string, unknown>);
const sql = (db: string, q: string): Record<string, unknown>[] => {
  const r = runSonde(['query', q, '--db', db, '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  return rowsOf(r.stdout);
};

test('analyze appends every flow and protocol row to the store, one run per command; export gives back the analyze records', () => {
  const db = join(dir, 'a.duckdb');
  // the first run stores the statistical features too, the second does not
  assert.equal(runSonde(['analyze', sample, '--db', db, '-q', '--store-features']).status, 0);
  const a2 = runSonde(['analyze', http, '--db', db, '-q']);
  assert.equal(a2.status, 0, a2.stderr);
  const runs = sql(db, 'SELECT run_id, status, inputs, flows, flows_stored, packets FROM runs ORDER BY run_id');
  assert.equal(runs.length, 2);
  assert.deepEqual(runs.map((r) => r['status']), ['completed', 'completed']);
  assert.ok((runs[0]!['inputs'] as string[])[0]!.endsWith('sample.pcap'));
  const expected = [...rowsOf(runSonde(['analyze', sample, '--format', 'jsonl']).stdout), ...rowsOf(runSonde(['analyze', http, '--format', 'jsonl']).stdout)];
  assert.equal(Number(runs[0]!['flows']) + Number(runs[1]!['flows']), expected.length);
  assert.equal(sql(db, 'SELECT count(*) AS n FROM flows')[0]!['n'], expected.length);
  assert.equal(sql(db, 'SELECT count(DISTINCT flow_id) AS n FROM flows')[0]!['n'], expected.length);
  // typed columns: timestamps, integers, lists
  const types = Object.fromEntries(sql(db, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'flows'").map((r) => [r['column_name'], r['data_type']]));
  assert.equal(types['first_seen'], 'TIMESTAMP');
  assert.equal(types['bytes_c2s'], 'BIGINT');
  assert.equal(types['risks'], 'VARCHAR[]');
  // the features have a table of their own, with rows for the run that asked for them only
  assert.equal(types['early_sizes'], undefined);
  assert.equal(types['pktlen_mean_c2s'], undefined);
  const featureTypes = Object.fromEntries(sql(db, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'flow_features'").map((r) => [r['column_name'], r['data_type']]));
  assert.equal(featureTypes['early_sizes'], 'BIGINT[]');
  assert.equal(featureTypes['early_iats_ms'], 'DOUBLE[]');
  assert.equal(featureTypes['pktlen_mean_c2s'], 'DOUBLE');
  const featureRuns = sql(db, 'SELECT run_id, count(*) AS n FROM flow_features GROUP BY run_id');
  assert.deepEqual(featureRuns, [{ run_id: runs[0]!['run_id'], n: Number(runs[0]!['flows']) }]);
  // the http table joins its flows
  const httpRows = sql(db, 'SELECT h.method, f.hostname FROM http h JOIN flows f USING (flow_id)');
  assert.equal(httpRows.length, expected.filter((r) => r['http']).length);
  // jsonl export = analyze's records (the store adds run_id and flow_id)
  const out = join(dir, 'a.jsonl');
  assert.equal(runSonde(['export', '--db', db, '--format', 'jsonl', '-o', out]).status, 0);
  const exported = rowsOf(readFileSync(out, 'utf8'));
  assert.equal(exported.length, expected.length);
  const featureNames = new Set(Object.keys(featureTypes));
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const x = exported[i]!;
    // the same fields in the same order
    assert.deepEqual(Object.keys(x).slice(2), Object.keys(e), `${i}: fields`);
    const withFeatures = x['run_id'] === runs[0]!['run_id'];
    for (const [k, v] of Object.entries(e)) {
      if (featureNames.has(k) && !withFeatures) {
        assert.equal(x[k], null, `${i}.${k}: not stored by the second run`);
        continue;
      }
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) assert.deepEqual(Object.fromEntries(Object.entries(x[k] as object).filter(([, y]) => y !== null)), Object.fromEntries(Object.entries(v).filter(([, y]) => y !== null)), `${i}.${k}`);
      else if (v !== null && typeof v === 'object' && x[k] !== null) assert.deepEqual(x[k], v, `${i}.${k}`);
      else assert.equal(x[k], v, `${i}.${k}`);
    }
  }
});

test('reports and exports: top, flows, csv, parquet, Zeek logs', async () => {
  const db = join(dir, 'b.duckdb');
  assert.equal(runSonde(['analyze', sample, http, '--db', db, '-q']).status, 0);
  const top = rowsOf(runSonde(['top', 'applications', '--db', db, '--format', 'json']).stdout);
  assert.equal(top[0]!['application'], 'HTTP');
  assert.ok(top.every((r, i) => i === 0 || Number(top[i - 1]!['bytes']) >= Number(r['bytes'])), 'ordered by bytes');
  assert.equal(top.reduce((s, r) => s + Number(r['flows']), 0), sql(db, 'SELECT count(*) AS n FROM flows')[0]!['n']);
  const ports = rowsOf(runSonde(['top', 'ports', '--db', db, '--where', 'l4=TCP', '--format', 'json']).stdout);
  assert.ok(ports.length > 0 && ports.every((r) => String(r['port']).startsWith('TCP/')));
  const httpFlows = rowsOf(runSonde(['flows', '--db', db, '--app', 'HTTP', '--format', 'json']).stdout);
  assert.equal(httpFlows.length, 4);
  assert.equal(rowsOf(runSonde(['flows', '--db', db, '--host', 'example.test', '--format', 'json']).stdout).length, 2);
  const recent = rowsOf(runSonde(['top', 'talkers', '--db', db, '--since', '1h', '--format', 'json']).stdout);
  assert.ok(recent.length > 0);
  // the exported files are read here, outside sonde: its queries see the store only
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const files = await (await DuckDBInstance.create(':memory:')).connect();
  const fileRow = async (q: string): Promise<unknown[]> => (await files.runAndReadAll(q)).getRowsJS()[0]!.map((v) => (typeof v === 'bigint' ? Number(v) : v));
  for (const f of ['csv', 'parquet']) {
    const out = join(dir, `b.${f}`);
    const r = runSonde(['export', '--db', db, '--format', f, '-o', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal((await fileRow(`SELECT count(*) FROM '${out}'`))[0], sql(db, 'SELECT count(*) AS n FROM flows')[0]!['n']);
  }
  // parquet nests each flow's protocol rows, with their own names
  const [httpRows, method] = await fileRow(`SELECT count(http), max(http.method) FROM '${join(dir, 'b.parquet')}'`);
  assert.equal(httpRows, sql(db, 'SELECT count(*) AS n FROM http')[0]!['n']);
  assert.equal(method, 'GET');
  const zeek = join(dir, 'zeek');
  assert.equal(runSonde(['export', '--db', db, '--format', 'zeek', '-o', zeek]).status, 0);
  const conn = readFileSync(join(zeek, 'conn.log'), 'utf8').split('\n');
  assert.ok(conn.some((l) => l.startsWith('#fields\tts\tuid\tid.orig_h')));
  assert.equal(conn.filter((l) => l && !l.startsWith('#')).length, sql(db, 'SELECT count(*) AS n FROM flows')[0]!['n']);
  assert.ok(existsSync(join(zeek, 'http.log')));
});

test('user values are bound, never pasted: hostile strings find nothing and change nothing', () => {
  const db = join(dir, 'c.duckdb');
  assert.equal(runSonde(['analyze', sample, '--db', db, '-q']).status, 0);
  const before = sql(db, 'SELECT count(*) AS n FROM flows')[0]!['n'];
  for (const hostile of ["x' OR '1'='1", "'; DROP TABLE flows; --", 'DNS" OR "1"="1', '%', "\\' OR 1=1 --"]) {
    for (const args of [['flows', '--app', hostile], ['flows', '--host', hostile], ['top', 'hosts', '--where', `hostname=${hostile}`], ['export', '--format', 'jsonl', '-o', join(dir, 'h.jsonl'), '--where', `protocol=${hostile}`]]) {
      const r = runSonde([...args, '--db', db, ...(args[0] === 'export' ? [] : ['--format', 'json'])]);
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      if (args[0] !== 'export') assert.equal(r.stdout.trim(), '', `${args.join(' ')} matched something`);
    }
  }
  assert.equal(sql(db, 'SELECT count(*) AS n FROM flows')[0]!['n'], before);
  // field names are checked against the schema, durations parsed, SQL runs read-only
  const badField = runSonde(['top', 'hosts', '--db', db, '--where', 'hostname; DROP TABLE flows=1']);
  assert.equal(badField.status, 2);
  assert.match(badField.stderr, /^sonde: unknown flow field/);
  assert.equal(runSonde(['top', 'hosts', '--db', db, '--since', '1 hour; DROP']).status, 2);
  const write = runSonde(['query', 'DROP TABLE flows', '--db', db]);
  assert.equal(write.status, 1);
  assert.equal(write.stderr.trim().split('\n').length, 1);
  assert.equal(sql(db, 'SELECT count(*) AS n FROM flows')[0]!['n'], before);
  const missing = runSonde(['top', 'hosts', '--db', join(dir, 'none.duckdb')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no database at .*run 'sonde analyze FILE' first/);
});

/** a pcap stream of `n` one-packet UDP flows, each a distinct source port */
function manyFlows(n: number, first = 0): Uint8Array {
  const records = [];
  for (let i = 0; i < n; i++) {
    const frame = ethernet(0x0800, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 17 }, udp(1024 + ((first + i) % 60000), 9, new Uint8Array(8))));
    records.push({ ts: 1_700_000_000_000_000 + (first + i) * 1000, data: frame });
  }
  return writePcap(records, { linkType: 1 });
}

test('Ctrl-C mid-run: the run is marked interrupted with the flows it wrote; a killed run is marked on next open; completed runs stay whole', async () => {
  const db = join(dir, 'd.duckdb');
  assert.equal(runSonde(['analyze', sample, '--db', db, '-q']).status, 0);
  // a live input (standard input) that stops coming: then Ctrl-C
  const body = manyFlows(3000);
  const run = (signal: NodeJS.Signals): Promise<number | null> => new Promise((resolve) => {
    const child = spawn(process.execPath, [SONDE_BIN, 'analyze', '-', '--db', db, '-q', '--idle-timeout', '0'], { stdio: ['pipe', 'ignore', 'pipe'] });
    // standard input stays open, so sonde waits for more: interrupt it once it has surely read
    // what was sent (start-up takes a second or two, more on a loaded machine)
    child.stdin.write(body);
    setTimeout(() => child.kill(signal), 8000);
    child.on('exit', (code) => resolve(code));
  });
  assert.equal(await run('SIGINT'), 130);
  let runs = sql(db, 'SELECT run_id, status, flows_stored FROM runs ORDER BY run_id');
  assert.deepEqual(runs.map((r) => r['status']), ['completed', 'interrupted']);
  const interrupted = runs[1]!;
  assert.equal(interrupted['flows_stored'], 3000, 'the flows seen before Ctrl-C are written');
  assert.equal(sql(db, `SELECT count(*) AS n FROM flows WHERE run_id = ${String(interrupted['run_id'])}`)[0]!['n'], 3000);
  await run('SIGKILL');
  // the next writer marks the dead run
  assert.equal(runSonde(['analyze', sample, '--db', db, '-q']).status, 0);
  runs = sql(db, 'SELECT run_id, status, flows_stored FROM runs ORDER BY run_id');
  assert.deepEqual(runs.map((r) => r['status']), ['completed', 'interrupted', 'interrupted', 'completed']);
  assert.equal(sql(db, `SELECT count(*) AS n FROM flows WHERE run_id = ${String(runs[2]!['run_id'])}`)[0]!['n'], runs[2]!['flows_stored']);
  assert.equal(sql(db, `SELECT count(*) AS n FROM flows WHERE run_id = ${String(runs[0]!['run_id'])}`)[0]!['n'], 20);
});

test('a database another process holds: one line that says so, exit 1, and the holder keeps its data', async () => {
  const db = join(dir, 'e.duckdb');
  assert.equal(runSonde(['analyze', sample, '--db', db, '-q']).status, 0);
  // this process holds the file (DuckDB locks it per process) while sonde tries to append
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const holder = await DuckDBInstance.create(db);
  const held = await holder.connect();
  const r = runSonde(['analyze', sample, '--db', db, '-q']);
  held.closeSync();
  holder.closeSync();
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /^sonde: the database '.*e\.duckdb' is in use by another sonde process: wait for it, or choose another with --db\n$/);
  assert.deepEqual(sql(db, 'SELECT status FROM runs').map((x) => x['status']), ['completed']);
});

test('writes that fail (file too large): one line that says so, exit 1, no hang, the run marked failed, earlier runs intact', () => {
  const db = join(dir, 'f.duckdb');
  assert.equal(runSonde(['analyze', sample, '--db', db, '-q']).status, 0);
  // 40,000 one-packet UDP flows: several row groups, written to the file during the run
  const records = [];
  for (let i = 0; i < 40_000; i++) {
    const src = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    records.push({ ts: 1_700_000_000_000_000 + i * 100, data: ethernet(0x0800, ipv4({ src, dst: '10.255.0.1', proto: 17 }, udp(1024 + (i % 60000), 9999, new Uint8Array(16)))) });
  }
  const many = join(dir, 'many.pcap');
  writeFileSync(many, writePcap(records, { linkType: 1 }));
  // the file may grow 256 KB past its size after the first run (bash counts 1 KB blocks), then
  // writes fail with EFBIG (Node ignores SIGXFSZ)
  const limitKb = Math.ceil(statSync(db).size / 1024) + 256;
  const r = spawnSync('bash', ['-c', `ulimit -f ${limitKb}; exec "$0" "$@"`, process.execPath, SONDE_BIN, 'analyze', many, '--db', db, '-q'], { encoding: 'utf8', timeout: 120_000, killSignal: 'SIGKILL' });
  assert.equal(r.signal, null, 'sonde must not hang after a failed write');
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /^sonde: storing flows in '.*f\.duckdb' failed: .*File too large; the run keeps the 0 flows committed before \(free some disk space, use --db PATH for another file, or --no-store\)\n$/);
  const runs = sql(db, 'SELECT status, flows_stored FROM runs ORDER BY run_id');
  assert.deepEqual(runs.map((x) => x['status']), ['completed', 'failed']);
  assert.equal(runs[1]!['flows_stored'], 0);
  // the first run's flows, and none of the failed one's
  assert.deepEqual(sql(db, 'SELECT count(*) AS n FROM flows'), sql(db, 'SELECT flows AS n FROM runs ORDER BY run_id LIMIT 1'));
});
