import { hostname } from 'node:os';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type AlertPhase, type AlertRecord } from '../detect/alert.js';
import { type FlowView } from '../flow/schema.js';
import { ClickHouseSink } from '../storage/clickhouse/sink.js';
import { StoreOpenError, StoreWriteError, ThreadedDuckDbStore } from '../storage/duckdb/threaded-store.js';
import { type FlowSink, type RunCounters, type RunInfo, type RunSink, type RunStatus } from '../storage/sink.js';
import { FlowRowBuilder } from '../storage/tables.js';
import { type ParsedArgs, UsageError } from './args.js';
import { type ListenChoice } from './serve-options.js';

// The stores `sonde analyze` writes to: the DuckDB file unless --no-store, ClickHouse with
// --clickhouse. Opening them is where a locked or unreadable database is reported.

export const DEFAULT_DB = 'sonde.duckdb';

export const STORE_FEATURES_OPTION = {
  name: 'store-features',
  value: false,
  help: 'also store each flow\'s statistical features (packet-length and gap distributions, the first packets\' sizes, directions and gaps) in the table flow_features',
} as const;

export const sondeVersion = (): string =>
  (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export class Stores {
  private flowNumber = 0;
  private readonly rows: FlowRowBuilder;
  private readonly sinks: RunSink[];

  /** the DuckDB store takes flows column-wise; the others (ClickHouse) row by row; storeFeatures: flow_features too */
  constructor(private readonly duck: ThreadedDuckDbStore | null, private readonly rowSinks: FlowSink[], storeFeatures = false) {
    this.sinks = duck ? [duck, ...rowSinks] : rowSinks;
    this.rows = new FlowRowBuilder(storeFeatures);
  }

  get active(): boolean {
    return this.sinks.length > 0;
  }

  /** the DuckDB store this run writes, if any */
  get duckDb(): ThreadedDuckDbStore | null {
    return this.duck;
  }

  add(view: FlowView): void {
    if (this.sinks.length === 0) return;
    const n = this.flowNumber++;
    this.duck?.add(n, view);
    if (this.rowSinks.length === 0) return;
    const rows = this.rows.rows(view);
    for (const s of this.rowSinks) s.add(n, rows);
  }

  /** the number in the run of each open alert, by kind, target and start */
  private readonly alertKeys = new Map<string, number>();
  private nextAlert = 0;

  /** An alert as it starts and again as it ends (the same row, updated in DuckDB; a newer revision in ClickHouse). */
  addAlert(alert: AlertRecord, phase: AlertPhase): void {
    if (this.sinks.length === 0) return;
    const key = `${alert.kind} ${alert.target} ${alert.start}`;
    let n = this.alertKeys.get(key);
    if (n === undefined) {
      n = this.nextAlert++;
      this.alertKeys.set(key, n);
    }
    if (phase === 'end') this.alertKeys.delete(key);
    this.duck?.addAlert(n, alert);
    for (const s of this.rowSinks) s.addAlert(n, alert, phase);
  }

  async begin(run: RunInfo): Promise<void> {
    for (const s of this.rowSinks) await s.begin(run);
  }

  async drain(): Promise<void> {
    try {
      for (const s of this.sinks) await s.drain();
    } catch (e) {
      throw explained(e, this.duck?.path ?? '', this.duck?.flowsStored ?? 0);
    }
  }

  /**
   * Retention while the run writes (live --retain): flows and alerts that ended before the cutoff
   * leave the DuckDB store, and ClickHouse drops the days before the cutoff's.
   */
  async prune(cutoffMicros: number): Promise<{ flows: number; partitions: number }> {
    const flows = this.duck ? await this.duck.prune(cutoffMicros) : 0;
    let partitions = 0;
    const day = new Date(cutoffMicros / 1000).toISOString().slice(0, 10);
    for (const s of this.rowSinks) if (s instanceof ClickHouseSink) partitions += await s.dropPartitionsBefore(day);
    return { flows, partitions };
  }

  /** Ends the run in every store; returns a line saying where the flows went ('' when nowhere). */
  async end(status: Exclude<RunStatus, 'running'>, counters: RunCounters): Promise<string> {
    const lines: string[] = [];
    try {
      for (const s of this.sinks) {
        await s.end(status, counters);
        if (s instanceof ClickHouseSink) {
          const r = s.report;
          lines.push(`wrote ${r.flowsWritten.toLocaleString('en-US')} flows to ClickHouse${r.flowsSpooled > 0 ? `; ${r.flowsSpooled.toLocaleString('en-US')} wait in the spool for the server (${r.lastError ?? 'unreachable'})` : ''}`);
        }
      }
    } catch (e) {
      throw explained(e, this.duck?.path ?? '', this.duck?.flowsStored ?? 0);
    }
    if (this.duck) lines.unshift(`stored ${this.duck.flowsStored.toLocaleString('en-US')} flows in ${this.duck.path} (run ${this.duck.runId})`);
    return lines.join('\n');
  }
}

/** The store cannot be used (locked, unreadable, failed writing): a one-line message, exit status 1. */
export class StoreUnavailableError extends Error {}

/** a database that could not be opened or written, as a one-line message that says what to do */
function explained(e: unknown, path: string, committed: number): unknown {
  if (e instanceof StoreWriteError) {
    return new StoreUnavailableError(
      `storing flows in '${path}' failed: ${e.message}; the run keeps the ${committed.toLocaleString('en-US')} flows committed before (free some disk space, use --db PATH for another file, or --no-store)`,
    );
  }
  if (!(e instanceof StoreOpenError)) return e;
  if (/lock/i.test(e.message)) return new StoreUnavailableError(`the database '${path}' is in use by another sonde process: wait for it, or choose another with --db`);
  return new StoreUnavailableError(`cannot open the database '${path}': ${e.message} (use --db PATH for another file, or --no-store)`);
}

/**
 * The spool must be usable before the run needs it, which is when the server is down: a folder
 * sonde can write, or one it can make. Checked at the start, without creating anything.
 */
function checkSpoolFolder(dir: string): void {
  const fix = "give --spool a folder sonde can write (it is made when missing)";
  let at = resolve(dir);
  for (;;) {
    let isFolder: boolean;
    try {
      isFolder = statSync(at).isDirectory();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const parent = dirname(at);
      if (code === 'ENOENT' && parent !== at) {
        at = parent;
        continue;
      }
      if (code === 'ENOTDIR') throw new StoreUnavailableError(`the spool folder '${dir}' cannot be made: a part of its path is a file; ${fix}`);
      throw new StoreUnavailableError(`cannot use the spool folder '${dir}': ${(e as Error).message}; ${fix}`);
    }
    const what = at === resolve(dir) ? `the spool folder '${dir}'` : `the folder '${at}', where the spool folder '${dir}' would be made,`;
    if (!isFolder) throw new StoreUnavailableError(`${what} is not a folder; ${fix}`);
    try {
      accessSync(at, constants.R_OK | constants.W_OK | constants.X_OK);
    } catch {
      throw new StoreUnavailableError(`${what} is not writable (permission denied); ${fix}`);
    }
    return;
  }
}

/**
 * Starts the stores of a run: the DuckDB store opens on its own thread while the analysis starts
 * (the run id is only awaited when ClickHouse needs it too).
 */
export async function openStores(args: ParsedArgs, inputs: string[]): Promise<Stores> {
  const rowSinks: FlowSink[] = [];
  let duck: ThreadedDuckDbStore | null = null;
  const startedAt = Date.now() / 1000;
  const run = { inputs, startedAt, sondeVersion: sondeVersion(), probe: hostname() };
  const storeFeatures = args.options.has('store-features');
  if (!args.options.has('no-store')) {
    const path = typeof args.options.get('db') === 'string' ? (args.options.get('db') as string) : DEFAULT_DB;
    duck = new ThreadedDuckDbStore(path, run, storeFeatures);
  }
  const clickhouse = args.options.get('clickhouse');
  if (typeof clickhouse === 'string') {
    let url: URL | null = null;
    try {
      url = new URL(clickhouse);
    } catch {
      // said below
    }
    // ClickHouse's HTTP interface is plain http here (TLS belongs to a proxy in front of it)
    if (url === null || url.protocol !== 'http:') {
      throw new UsageError(`option '--clickhouse' needs an http:// URL such as http://127.0.0.1:8123/?database=sonde, not '${clickhouse}'`);
    }
    const database = url.searchParams.get('database') ?? undefined;
    url.search = '';
    const spool = typeof args.options.get('spool') === 'string' ? (args.options.get('spool') as string) : 'sonde-spool';
    checkSpoolFolder(spool);
    rowSinks.push(new ClickHouseSink({ url: url.toString(), database, spoolDir: spool }));
  }
  const stores = new Stores(duck, rowSinks, storeFeatures);
  if (rowSinks.length > 0) {
    // the stores share one run id: DuckDB's when it is on
    let runId = Math.floor(startedAt);
    if (duck) runId = await duck.started.catch((e: unknown) => Promise.reject(explained(e, duck!.path, 0)));
    await stores.begin({ ...run, runId });
  }
  return stores;
}

/**
 * The dashboard of a writing run (--serve), served from this process: DuckDB lets one process
 * open the file, so the writer answers the dashboard's queries on its store thread. A dashboard
 * that cannot listen ends the run before it starts (the store closed, the run marked failed).
 */
export async function serveWhileWriting(stores: Stores, choice: ListenChoice, command: string): Promise<{ close(): Promise<void> }> {
  const duck = stores.duckDb;
  if (!duck) throw new UsageError("'--serve' needs the DuckDB store");
  const [{ startDashboard }, { DuckDbBackend }] = await Promise.all([import('./serve.js'), import('../web/duckdb-backend.js')]);
  try {
    return await startDashboard(DuckDbBackend.overWriter(duck), choice, command);
  } catch (e) {
    await stores.end('failed', { packets: 0, bytes: 0, flows: 0 }).catch(() => undefined);
    throw e;
  }
}
