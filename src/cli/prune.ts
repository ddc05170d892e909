// Retention: `sonde prune --older-than 30d` and `analyze --retain 30d` delete what is older than
// the period from the DuckDB store (flows by their last packet, their protocol rows, alerts by
// their end) and drop ClickHouse's day partitions before it.

import { ClickHouseSink } from '../storage/clickhouse/sink.js';
import { DuckDbStore } from '../storage/duckdb/store.js';
import { storedTables } from '../storage/tables.js';
import '../dpi/index.js'; // the dissectors' fields are part of the stored tables
import { durationSeconds, helpText, parseArgs, type OptionSpec, type ParsedArgs, UsageError } from './args.js';
import { InputError } from './input.js';
import { DEFAULT_DB } from './stores.js';

const PRUNE_OPTIONS: OptionSpec[] = [
  { name: 'older-than', value: true, valueName: 'DURATION', help: 'delete what is older than DURATION before now (e.g. 30d, 12h; required)' },
  { name: 'db', value: true, valueName: 'PATH', help: `the DuckDB store (default ./${DEFAULT_DB})` },
  { name: 'no-store', value: false, help: 'leave the DuckDB store alone (only ClickHouse)' },
  { name: 'clickhouse', value: true, valueName: 'URL', help: "also drop ClickHouse's days before the cutoff on this server (run it on every node of a cluster)" },
  { name: 'help', short: 'h', value: false, help: 'show this help' },
];

const PRUNE_USAGE = `Usage: sonde prune --older-than 30d [--db PATH | --no-store] [--clickhouse URL]

Deletes flows whose last packet is older than the period before now (capture time), their rows
in every protocol table and the alerts that ended before it, from the DuckDB store; with
--clickhouse, drops the whole days before the cutoff's day. Runs are kept.`;

export interface PruneResult {
  cutoffMicros: number;
  flows: number;
  alerts: number;
  partitions: number;
}

/** Deletes what is older than `olderThanS` seconds before `nowMs` from the stores that `args` names. */
export async function pruneStores(args: ParsedArgs, olderThanS: number, nowMs = Date.now()): Promise<PruneResult> {
  const cutoffMicros = nowMs * 1000 - olderThanS * 1e6;
  const result: PruneResult = { cutoffMicros, flows: 0, alerts: 0, partitions: 0 };
  if (!args.options.has('no-store')) {
    const path = typeof args.options.get('db') === 'string' ? (args.options.get('db') as string) : DEFAULT_DB;
    let store: DuckDbStore;
    try {
      store = await DuckDbStore.open(path, storedTables());
    } catch (e) {
      throw new InputError(`cannot open the store '${path}' to prune it: ${(e as Error).message.split('\n')[0]}`);
    }
    try {
      Object.assign(result, await store.prune(cutoffMicros));
    } finally {
      store.close();
    }
  }
  const clickhouse = args.options.get('clickhouse');
  if (typeof clickhouse === 'string') {
    let url: URL;
    try {
      url = new URL(clickhouse);
    } catch {
      throw new UsageError(`option '--clickhouse' needs an http:// URL such as http://127.0.0.1:8123/?database=sonde, not '${clickhouse}'`);
    }
    const database = url.searchParams.get('database') ?? undefined;
    url.search = '';
    // pruning sends no batches: the spool folder is never made
    const sink = new ClickHouseSink({ url: url.toString(), database, spoolDir: 'sonde-spool' });
    const day = new Date(cutoffMicros / 1000).toISOString().slice(0, 10);
    try {
      result.partitions = await sink.dropPartitionsBefore(day);
    } catch (e) {
      throw new InputError(`cannot prune ClickHouse at ${url.origin}: ${(e as Error).message}`);
    }
  }
  return result;
}

export function pruneLine(r: PruneResult): string {
  const when = new Date(r.cutoffMicros / 1000).toISOString();
  return `sonde: pruned what ended before ${when}: ${r.flows.toLocaleString('en-US')} flows, ${r.alerts.toLocaleString('en-US')} alerts` +
    (r.partitions > 0 ? `, ${r.partitions} ClickHouse partitions` : '');
}

export async function prune(argv: string[]): Promise<number> {
  const args = parseArgs(argv, PRUNE_OPTIONS, 'prune');
  if (args.options.has('help')) {
    process.stdout.write(helpText(PRUNE_USAGE, PRUNE_OPTIONS));
    return 0;
  }
  if (args.positionals.length > 0) throw new UsageError(`unexpected '${args.positionals[0]}' (sonde prune --older-than 30d)`);
  const olderThan = args.options.get('older-than');
  if (typeof olderThan !== 'string') throw new UsageError("'sonde prune' needs the period to keep: --older-than 30d");
  const r = await pruneStores(args, durationSeconds(olderThan, 'older-than'));
  process.stderr.write(`${pruneLine(r)}\n`);
  return 0;
}
