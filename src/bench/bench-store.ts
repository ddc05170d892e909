import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { storedTables } from '../storage/tables.js';
import { copyRunsUntil } from '../test-support/store-copies.js';
import '../dpi/index.js';

// The benchmarks' large stores: the benchmark capture (or the nDPI corpus) analyzed once, then its
// runs copied in SQL up to N flows, kept in bench-out/ for the next run (its name changes with
// the schema).

export const ROOT = resolve(fileURLToPath(new URL('../../', import.meta.url)));
export const SONDE = join(ROOT, 'bin', 'sonde');
const OUT_DIR = join(ROOT, 'bench-out');
const CORPUS = process.env['SONDE_CORPUS'] ?? resolve(ROOT, '..', 'shared', 'corpus', 'ndpi', 'pcap');
/** the capture to analyze: $SONDE_BENCH_CAPTURE, or run-bench's when it was built */
const BENCH_CAPTURE = process.env['SONDE_BENCH_CAPTURE'] ?? join(OUT_DIR, 'big.pcap');

export class BenchError extends Error {}

/** the store of `flows` flows, made when missing */
export async function benchStore(flows: number): Promise<string> {
  const schema = createHash('sha256').update(JSON.stringify(storedTables())).digest('hex').slice(0, 12);
  const path = join(OUT_DIR, `query-${flows}-${schema}.duckdb`);
  if (existsSync(path)) return path;
  const inputs = existsSync(BENCH_CAPTURE) ? [BENCH_CAPTURE] : existsSync(CORPUS) ? readdirSync(CORPUS).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => join(CORPUS, f)) : [];
  if (inputs.length === 0) throw new BenchError(`no capture to analyze: neither ${BENCH_CAPTURE} nor the corpus ${CORPUS} is there`);
  mkdirSync(OUT_DIR, { recursive: true });
  const building = `${path}.building`;
  rmSync(building, { force: true });
  process.stderr.write(`building ${path} (${flows} flows) from ${inputs.length === 1 ? inputs[0] : `${inputs.length} corpus captures`}…\n`);
  const r = spawnSync(process.execPath, [SONDE, 'analyze', ...inputs, '--db', building, '-q'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new BenchError('analyze failed');
  await copyRunsUntil(building, flows);
  renameSync(building, path);
  return path;
}
