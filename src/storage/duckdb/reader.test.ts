import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { CAPTURES_DIR, FIXTURES_DIR, runSonde, SONDE_BIN } from '../../test-support/golden.js';

// Reading the store: what a query may touch (the store, nothing else), what readers are told
// about runs, and how the store commands take bad options.

const dir = mkdtempSync(join(tmpdir(), 'sonde-reader-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const db = join(dir, 'a.duckdb');
const setup = runSonde(['analyze', join(FIXTURES_DIR, 'sample.pcap'), join(CAPTURES_DIR, 'loopback-http.pcap'), '--db', db, '-q']);
assert.equal(setup.status, 0, setup.stderr);
const flowCount = Number(JSON.parse(runSonde(['query', 'SELECT count(*) AS n FROM flows', '--db', db, '-f', 'json']).stdout).n);

const REFUSED = /^sonde: query refused: .+ \(sonde query reads the store only; use 'sonde export' to write files\)\n$/;

test('a query sees the store only: files, network, extensions and settings are refused in one line, exit 1', () => {
  const evil = join(dir, 'evil.sh');
  const statements = [
    `COPY (SELECT 'x') TO '${evil}'`,
    `COPY flows TO '${evil}' (FORMAT csv)`,
    `EXPORT DATABASE '${join(dir, 'dump')}'`,
    "SELECT * FROM read_text('/etc/hostname')",
    "SELECT * FROM read_blob('/etc/hostname')",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_json('/etc/passwd')",
    "SELECT * FROM read_parquet('/etc/passwd')",
    "SELECT * FROM glob('/root/*')",
    "COPY flows FROM '/etc/passwd'",
    'INSTALL httpfs',
    'LOAD httpfs',
    `ATTACH '${join(dir, 'other.duckdb')}' AS other`,
    'SET enable_external_access = true',
    'RESET enable_external_access',
    'PRAGMA enable_external_access = true',
    'SET lock_configuration = false',
    "SET memory_limit = '10GB'",
    "CREATE SECRET s (TYPE s3, KEY_ID 'a', SECRET 'b')",
    // would point the log at a file: every later statement fails and the process aborts on close
    `CALL enable_logging(storage = 'file', storage_path = '${join(dir, 'log')}')`,
    `SELECT * FROM query('SELECT * FROM enable_' || 'logging(storage = ''stdout'')')`,
    'DROP TABLE flows',
  ];
  for (const sql of statements) {
    const r = runSonde(['query', sql, '--db', db]);
    assert.equal(r.status, 1, `${sql}: ${r.stderr}`);
    assert.match(r.stderr, REFUSED, sql);
    assert.equal(r.stdout, '', sql);
  }
  assert.equal(existsSync(evil), false);
  assert.equal(existsSync(join(dir, 'dump')), false);
  assert.equal(existsSync(join(dir, 'other.duckdb')), false);
  assert.equal(existsSync(join(dir, 'log')), false);
  // and the store is as it was
  assert.equal(Number(JSON.parse(runSonde(['query', 'SELECT count(*) AS n FROM flows', '--db', db, '-f', 'json']).stdout).n), flowCount);
});

test('ordinary reading still works: queries, top, flows and every export format', () => {
  const q = runSonde(['query', 'SELECT f.protocol, count(*) AS n FROM flows f LEFT JOIN dns USING (flow_id) GROUP BY ALL ORDER BY n DESC, 1', '--db', db, '-f', 'csv']);
  assert.equal(q.status, 0, q.stderr);
  assert.match(q.stdout, /^protocol,n\n/);
  assert.equal(runSonde(['top', 'applications', '--db', db]).status, 0);
  assert.equal(runSonde(['flows', '--db', db, '--app', 'HTTP']).status, 0);
  for (const format of ['jsonl', 'csv', 'parquet', 'zeek', 'zeek-json']) {
    const out = join(dir, `all.${format}`);
    const r = runSonde(['export', '--db', db, '-f', format, '-o', out]);
    assert.equal(r.status, 0, `${format}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^sonde export: ${format.startsWith('zeek') ? `conn\\.log ${flowCount},` : `${flowCount} flows`}`));
  }
  // an export over a file that is there already (DuckDB writes beside it first)
  assert.equal(runSonde(['export', '--db', db, '-f', 'parquet', '-o', join(dir, 'all.parquet')]).status, 0);
  assert.equal(JSON.parse(runSonde(['query', 'SELECT count(*) AS n FROM flows', '--db', db, '-f', 'json']).stdout).n, flowCount);
});

test("readers see a dead run as dead: 'running' of this host with its process gone reads as 'interrupted'", async () => {
  const store = join(dir, 'runs.duckdb');
  assert.equal(runSonde(['analyze', join(FIXTURES_DIR, 'sample.pcap'), '--db', store, '-q']).status, 0);
  assert.equal(runSonde(['analyze', join(FIXTURES_DIR, 'sample.pcap'), '--db', store, '-q']).status, 0);
  assert.equal(runSonde(['analyze', join(FIXTURES_DIR, 'sample.pcap'), '--db', store, '-q']).status, 0);
  // as a crash leaves them: one run of this host whose process is gone (a pid above pid_max), one
  // of another host, left as they are
  const instance = await DuckDBInstance.create(store);
  const c = await instance.connect();
  const ids = (await c.runAndReadAll('SELECT run_id FROM runs ORDER BY run_id')).getRows().map((r) => r[0] as bigint);
  await c.run("UPDATE runs SET status = 'running', ended_at = NULL, pid = 99999999, probe = $1 WHERE run_id = $2", [hostname(), ids[0]!]);
  await c.run("UPDATE runs SET status = 'running', ended_at = NULL, pid = 99999999, probe = 'another-probe' WHERE run_id = $1", [ids[1]!]);
  c.closeSync();
  instance.closeSync();
  const status = runSonde(['query', 'select status from runs order by run_id', '--db', store, '-f', 'csv']);
  assert.equal(status.status, 0, status.stderr);
  assert.equal(status.stdout, 'status\ninterrupted\nrunning\ncompleted\n');
  const all = JSON.parse(runSonde(['query', 'SELECT * FROM runs ORDER BY run_id LIMIT 1', '--db', store, '-f', 'json']).stdout) as Record<string, unknown>;
  assert.equal(all['status'], 'interrupted');
  assert.equal(all['pid'], 99999999);
  assert.deepEqual(Object.keys(all), ['run_id', 'status', 'inputs', 'started_at', 'ended_at', 'packets', 'bytes', 'flows', 'flows_stored', 'sonde_version', 'probe', 'pid']);
  // user SQL resolves runs to the corrected view, joins included
  const joined = runSonde(['query', "SELECT count(*) AS n FROM flows JOIN runs USING (run_id) WHERE runs.status = 'interrupted'", '--db', store, '-f', 'json']);
  assert.equal(JSON.parse(joined.stdout).n, 20);
  assert.equal(runSonde(['export', '--db', store, '-f', 'jsonl', '-o', join(dir, 'runs.jsonl')]).status, 0);
});

test('bad options of the store commands: one line that says what to give, exit 2, never a DuckDB conversion error', () => {
  const cases: [string[], RegExp][] = [
    [['top', 'hosts', '--limit', '1e21'], /^sonde: option '--limit' needs a whole number from 1 to \d+, not '1e21'\n$/],
    [['top', 'hosts', '--limit', '1.5'], /^sonde: option '--limit' needs a whole number from 1 to \d+, not '1\.5'\n$/],
    [['flows', '--limit', '0'], /^sonde: option '--limit' needs a whole number from 1 to \d+, not '0'\n$/],
    [['flows', '--limit', 'ten'], /^sonde: option '--limit' needs a whole number/],
    [['top', 'hosts', '--since', '99999999999999999999d'], /^sonde: option '--since' takes at most 100000d, not '99999999999999999999d'\n$/],
    [['export', '-f', 'jsonl', '-o', join(dir, 'r.jsonl'), '--run', '99999999999999999999'], /^sonde: option '--run' needs a run id \(a number from the runs table\), not '99999999999999999999'\n$/],
  ];
  for (const [args, message] of cases) {
    const r = runSonde([...args, '--db', db]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  // the largest duration still runs
  assert.equal(runSonde(['top', 'hosts', '--since', '100000d', '--db', db]).status, 0);
});

test("export -o where nothing can be made: one line, exit 1, no hang (Node's recursive mkdir never returns on /proc/x)", () => {
  for (const format of ['zeek', 'zeek-json', 'jsonl', 'csv', 'parquet']) {
    const r = spawnSync(process.execPath, [SONDE_BIN, 'export', '--db', db, '-f', format, '-o', '/proc/sonde-test/x'], { encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL' });
    assert.equal(r.signal, null, `${format} hung`);
    assert.equal(r.status, 1, `${format}: ${r.stderr}`);
    assert.match(r.stderr, /^sonde: cannot (create the folder|write) '\/proc\/sonde-test\/x': /);
    assert.equal(r.stderr.split('\n').length, 2);
  }
  // Zeek logs go into a new folder, its missing parents made too
  const nested = join(dir, 'new', 'zeek');
  assert.equal(runSonde(['export', '--db', db, '-f', 'zeek', '-o', nested]).status, 0);
  assert.ok(existsSync(join(nested, 'conn.log')));
});

test('--where on a list field matches an element of the list', () => {
  const withRisk = runSonde(['query', 'SELECT risks[1] AS r, count(*) AS n FROM flows WHERE len(risks) > 0 GROUP BY 1 ORDER BY 2 DESC LIMIT 1', '--db', db, '-f', 'json']);
  const { r: risk, n } = JSON.parse(withRisk.stdout) as { r: string; n: number };
  const flows = runSonde(['flows', '--db', db, '--where', `risks=${risk}`, '-f', 'json', '-n', '1000']);
  assert.equal(flows.status, 0, flows.stderr);
  assert.ok(flows.stdout.trim().split('\n').length >= n);
});

test('table output streams: column widths from the first chunk, cells cut at 60 characters', () => {
  // 2,048 short rows (DuckDB's first chunk), then longer values: the layout does not move
  const sql = "SELECT CASE WHEN i <= 2048 THEN 'ab' WHEN i = 2049 THEN 'abcdefgh' ELSE repeat('x', 80) END AS v, i FROM range(1, 2051) t(i) ORDER BY i";
  const r = runSonde(['query', sql, '--db', db]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], 'v      i');
  assert.equal(lines[1], 'ab     1');
  assert.equal(lines[2049], 'abcdefgh  2049');
  assert.equal(lines[2050], `${'x'.repeat(59)}…  2050`);
  assert.equal(runSonde(['query', 'SELECT 1 AS a WHERE false', '--db', db]).stdout, 'a\n(no rows)\n');
});

test('a reader that goes away (| head) ends the query quietly: exit 0, nothing on stderr', async () => {
  const child = spawn(process.execPath, [SONDE_BIN, 'query', 'SELECT * FROM range(100000000)', '--db', db, '-f', 'csv'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const first = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString())));
  child.stdout.destroy();
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.match(first, /^range\n0\n/);
  assert.equal(code, 0);
  assert.equal(stderr, '');
});

test('readers leave no scratch folder behind', () => {
  const scratch = mkdtempSync(join(dir, 'tmp-'));
  const env = { ...process.env, TMPDIR: scratch };
  for (const args of [['query', 'SELECT 1'], ['export', '-f', 'parquet', '-o', join(dir, 'again.parquet')], ['query', 'SELECT * FROM read_text(\'/etc/hostname\')']]) {
    spawnSync(process.execPath, [SONDE_BIN, ...args, '--db', db], { env, encoding: 'utf8' });
  }
  assert.deepEqual(readdirSync(scratch), []);
  assert.ok(readFileSync(join(dir, 'again.parquet')).length > 0);
});
