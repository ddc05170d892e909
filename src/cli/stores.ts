import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import { type FlowView } from '../flow/schema.js';
import { ClickHouseSink } from '../storage/clickhouse/sink.js';
import { ThreadedDuckDbStore } from '../storage/duckdb/threaded-store.js';
import { type FlowSink, type RunCounters, type RunStatus } from '../storage/sink.js';
import { FlowRowBuilder } from '../storage/tables.js';
import { type ParsedArgs, UsageError } from './args.js';
import { InputError } from './input.js';

// The stores `sonde analyze` writes to: the DuckDB file unless --no-store, ClickHouse with
// --clickhouse. Opening them is where a locked or unreadable database is reported.

export const DEFAULT_DB = 'sonde.duckdb';

export const sondeVersion = (): string =>
  (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export class Stores {
  private flowNumber = 0;
  private readonly rows = new FlowRowBuilder();

  constructor(private readonly sinks: FlowSink[], private readonly duck: ThreadedDuckDbStore | null) {}

  get active(): boolean {
    return this.sinks.length > 0;
  }

  add(view: FlowView): void {
    if (this.sinks.length === 0) return;
    const rows = this.rows.rows(view);
    const n = this.flowNumber++;
    for (const s of this.sinks) s.add(n, rows);
  }

  async drain(): Promise<void> {
    for (const s of this.sinks) await s.drain();
  }

  /** Ends the run in every store; returns a line saying where the flows went ('' when nowhere). */
  async end(status: Exclude<RunStatus, 'running'>, counters: RunCounters): Promise<string> {
    const lines: string[] = [];
    for (const s of this.sinks) {
      await s.end(status, counters);
      if (s instanceof ClickHouseSink) {
        const r = s.report;
        lines.push(`wrote ${r.flowsWritten.toLocaleString('en-US')} flows to ClickHouse${r.flowsSpooled > 0 ? `; ${r.flowsSpooled.toLocaleString('en-US')} wait in the spool for the server (${r.lastError ?? 'unreachable'})` : ''}`);
      }
    }
    if (this.duck) lines.unshift(`stored ${this.duck.flowsStored.toLocaleString('en-US')} flows in ${this.duck.path} (run ${this.duck.runId})`);
    return lines.join('\n');
  }
}

export async function openStores(args: ParsedArgs, inputs: string[]): Promise<Stores> {
  const sinks: FlowSink[] = [];
  let duck: ThreadedDuckDbStore | null = null;
  const startedAt = Date.now() / 1000;
  let runId = Math.floor(startedAt);
  if (!args.options.has('no-store')) {
    const path = typeof args.options.get('db') === 'string' ? (args.options.get('db') as string) : DEFAULT_DB;
    const opened = await openDuckDb(path, startedAt);
    duck = opened.store;
    runId = opened.runId;
    sinks.push(duck);
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
    const spool = typeof args.options.get('spool') === 'string' ? (args.options.get('spool') as string) : 'sonde-spool';
    sinks.push(new ClickHouseSink({ url: url.toString(), database, spoolDir: spool }));
  }
  const run = { runId, inputs, startedAt, sondeVersion: sondeVersion(), probe: hostname() };
  for (const s of sinks) await s.begin(run);
  return new Stores(sinks, duck);
}

/** Opens a DuckDB store, turning DuckDB's errors into a one-line message that says what to do. */
export async function openDuckDb(path: string, startedAt: number): Promise<{ store: ThreadedDuckDbStore; runId: number }> {
  try {
    return await ThreadedDuckDbStore.open(path, startedAt);
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0] ?? '';
    if (/lock/i.test(msg)) throw new InputError(`the database '${path}' is in use by another sonde process: wait for it, or choose another with --db`);
    throw new InputError(`cannot open the database '${path}': ${msg} (use --db PATH for another file, or --no-store)`);
  }
}
