import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchError, benchStore as sharedStore, SONDE } from './bench-store.js';

// `npm run bench:query [-- N]`: peak resident memory and time of the store's read commands over a
// store of N flows (default 1,000,000): `query` of every flow, a union and a sort of them, and
// every export format. The store is made once (the benchmark capture, or the nDPI corpus,
// analyzed, then its runs copied in SQL) and kept in bench-out/ for the next run.

/** prints Node's own peak resident memory when the command exits */
const REPORT_RSS = 'data:text/javascript,process.on("exit",()=>process.stderr.write("maxrss "+process.resourceUsage().maxRSS+"\\n"))';

function fail(message: string): never {
  process.stderr.write(`bench:query: ${message}\n`);
  process.exit(2);
}

async function benchStore(flows: number): Promise<string> {
  try {
    return await sharedStore(flows);
  } catch (e) {
    if (e instanceof BenchError) fail(e.message);
    throw e;
  }
}

interface Measure {
  name: string;
  peakMb: number;
  seconds: number;
}

function measure(name: string, args: string[]): Measure {
  const started = performance.now();
  const r = spawnSync(process.execPath, ['--import', REPORT_RSS, SONDE, ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  const rss = /maxrss (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !rss) fail(`${name} failed: ${r.stderr.trim()}`);
  return { name, peakMb: Math.round(Number(rss[1]) / 1024), seconds };
}

async function main(): Promise<void> {
  const flows = Number(process.argv[2] ?? 1_000_000);
  if (!Number.isInteger(flows) || flows < 1) fail('usage: bench:query [N flows]');
  const db = await benchStore(flows);
  const out = mkdtempSync(join(tmpdir(), 'sonde-bench-query-'));
  const half = Math.floor(flows / 2);
  const cases: [string, string[]][] = [
    ['query select * (csv)', ['query', 'SELECT * FROM flows', '-f', 'csv']],
    ['query select * (table)', ['query', 'SELECT * FROM flows']],
    ['query union of two halves', ['query', `(SELECT * FROM flows ORDER BY flow_id LIMIT ${half}) UNION ALL (SELECT * FROM flows ORDER BY flow_id OFFSET ${half})`, '-f', 'json']],
    ['query sort of every flow', ['query', 'SELECT * FROM flows ORDER BY bytes_c2s DESC, flow_id', '-f', 'csv']],
    ['query of two columns (csv)', ['query', 'SELECT flow_id, src FROM flows', '-f', 'csv']],
    ['top talkers', ['top', 'talkers']],
    ['flows --limit 1000000', ['flows', '--limit', '1000000', '-f', 'csv']],
    ...(['jsonl', 'csv', 'parquet', 'zeek', 'zeek-json'] as const).map((f): [string, string[]] => [`export ${f}`, ['export', '-f', f, '-o', join(out, `flows.${f}`)]]),
  ];
  const results: Measure[] = [];
  try {
    for (const [name, args] of cases) {
      const m = measure(name, [...args, '--db', db]);
      results.push(m);
      process.stderr.write(`${name}: ${m.peakMb} MB, ${m.seconds.toFixed(1)} s\n`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const width = Math.max(...results.map((r) => r.name.length));
  process.stdout.write(`\n${flows} flows in ${db}\n\n${'case'.padEnd(width)}  peak RSS   time\n`);
  for (const r of results) process.stdout.write(`${r.name.padEnd(width)}  ${`${r.peakMb} MB`.padStart(8)}  ${`${r.seconds.toFixed(1)} s`.padStart(7)}\n`);
}

await main();
