import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { CAPTURES_DIR, FIXTURES_DIR, runSonde, SONDE_BIN } from '../../test-support/golden.js';
import { copyRunsUntil } from '../../test-support/store-copies.js';

// What reading costs does not grow with what it returns: the same command over a store four
// times larger peaks at about the same resident memory. (The million-flow figures are
// `npm run bench:query`'s.)

const SMALL_FLOWS = 25_000;
const LARGE_FLOWS = 4 * SMALL_FLOWS;
/**
 * What the larger store may cost more: DuckDB keeps the blocks it has read in its buffer pool,
 * up to its limit (~35 MB more here), and the heap's peak varies by some MB from run to run.
 * Holding the rows, the old reader took 586 MB more for the larger store (325 → 911 MB).
 */
const MARGIN_KB = 64 * 1024;

const dir = mkdtempSync(join(tmpdir(), 'sonde-read-memory-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** the peak resident memory (KB) of a sonde command, from Node's own count */
function peakRss(args: string[]): number {
  const report = 'data:text/javascript,process.on("exit",()=>process.stderr.write("maxrss "+process.resourceUsage().maxRSS+"\\n"))';
  const r = spawnSync(process.execPath, ['--import', report, SONDE_BIN, ...args], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  assert.equal(r.status, 0, r.stderr);
  const m = /maxrss (\d+)/.exec(r.stderr);
  assert.ok(m, r.stderr);
  return Number(m[1]);
}

test('query and export jsonl peak at the same memory for a result 4× larger', async (t) => {
  const small = join(dir, 'small.duckdb');
  const large = join(dir, 'large.duckdb');
  const a = runSonde(['analyze', join(FIXTURES_DIR, 'sample.pcap'), join(CAPTURES_DIR, 'loopback-http.pcap'), '--db', small, '-q']);
  assert.equal(a.status, 0, a.stderr);
  assert.equal(await copyRunsUntil(small, SMALL_FLOWS), SMALL_FLOWS);
  copyFileSync(small, large);
  assert.equal(await copyRunsUntil(large, LARGE_FLOWS), LARGE_FLOWS);
  const commands: [string, (db: string) => string[]][] = [
    ['query select *', (db) => ['query', 'SELECT * FROM flows', '--db', db, '-f', 'csv']],
    ['export jsonl', (db) => ['export', '--db', db, '-f', 'jsonl', '-o', join(dir, 'out.jsonl')]],
  ];
  for (const [name, args] of commands) {
    const smallKb = peakRss(args(small));
    const largeKb = peakRss(args(large));
    t.diagnostic(`${name}: peak ${Math.round(smallKb / 1024)} MB for ${SMALL_FLOWS} flows, ${Math.round(largeKb / 1024)} MB for ${LARGE_FLOWS}`);
    assert.ok(largeKb <= smallKb + MARGIN_KB, `${name}: ${Math.round(smallKb / 1024)} MB for ${SMALL_FLOWS} flows, ${Math.round(largeKb / 1024)} MB for ${LARGE_FLOWS}`);
  }
  // the parquet export, written a page at a time, keeps every flow in order
  const parquet = join(dir, 'out.parquet');
  assert.equal(runSonde(['export', '--db', large, '-f', 'parquet', '-o', parquet]).status, 0);
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  const check = await c.runAndReadAll(`SELECT count(*)::INT, count(*) FILTER (WHERE step <= 0)::INT, count(http)::INT FROM (SELECT flow_id - lag(flow_id) OVER () AS step, http FROM '${parquet}')`);
  c.closeSync();
  instance.closeSync();
  const [n, outOfOrder, withHttp] = check.getRows()[0]!;
  assert.equal(n, LARGE_FLOWS);
  assert.equal(outOfOrder, 0);
  assert.ok(Number(withHttp) > 0);

});
