import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { storedTables } from '../storage/tables.js';
import { copyRunsUntil } from '../test-support/store-copies.js';
import '../dpi/index.js';

// `npm run bench:query [-- N]`: peak resident memory and time of the store's read commands over a
// store of N flows (default 1,000,000): `query` of every flow, a union and a sort of them, and
// every export format. The store is made once (the benchmark capture, or the nDPI corpus,
// analyzed, then its runs copied in SQL) and kept in bench-out/ for the next run.

const ROOT = resolve(fileURLToPath(new URL('../../', import.meta.url)));
const SONDE = join(ROOT, 'bin', 'sonde');
const OUT_DIR = join(ROOT, 'bench-out');
const CORPUS = process.env['SONDE_CORPUS'] ?? resolve(ROOT, '..', 'shared', 'corpus', 'ndpi', 'pcap');
/** the capture to analyze: $SONDE_BENCH_CAPTURE, or run-bench's when it was built */
const BENCH_CAPTURE = process.env['SONDE_BENCH_CAPTURE'] ?? join(OUT_DIR, 'big.pcap');

/** prints Node's own peak resident memory when the command exits */
const REPORT_RSS = 'data:text/javascript,process.on("exit",()=>process.stderr.write("maxrss "+process.resourceUsage().maxRSS+"\\n"))';

function fail(message: string): never {
  process.stderr.write(`bench:query: ${message}\n`);
  process.exit(2);
}

/** the store of `flows` flows, made when missing; its name changes with the schema */
async function benchStore(flows: number): Promise<string> {
  const schema = createHash('sha256').update(JSON.stringify(storedTables())).digest('hex').slice(0, 12);
  const path = join(OUT_DIR, `query-${flows}-${schema}.duckdb`);
  if (existsSync(path)) return path;
  const inputs = existsSync(BENCH_CAPTURE) ? [BENCH_CAPTURE] : existsSync(CORPUS) ? readdirSync(CORPUS).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => join(CORPUS, f)) : [];
  if (inputs.length === 0) fail(`no capture to analyze: neither ${BENCH_CAPTURE} nor the corpus ${CORPUS} is there`);
  mkdirSync(OUT_DIR, { recursive: true });
  const building = `${path}.building`;
  rmSync(building, { force: true });
  process.stderr.write(`building ${path} (${flows} flows) from ${inputs.length === 1 ? inputs[0] : `${inputs.length} corpus captures`}…\n`);
  const r = spawnSync(process.execPath, [SONDE, 'analyze', ...inputs, '--db', building, '-q'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) fail('analyze failed');
  await copyRunsUntil(building, flows);
  renameSync(building, path);
  return path;
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
