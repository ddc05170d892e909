import { setTimeout as sleep } from 'node:timers/promises';
import { type AlertRecord, isoToMicros } from '../../detect/alert.js';
import { flowId, type FlowSink, type RunCounters, type RunInfo, type RunStatus } from '../sink.js';
import { type FlowRows, storedTables } from '../tables.js';
import { ClickHouseError, clickHouseRequest } from './http.js';
import {
  ALERTS_TABLE, type ChTable, createDistributedSql, createTableSql, dayAndSecond, DISTRIBUTED_SUFFIX, escapeText, flowTables, qualified,
  quoteIdentifier, quoteString, RUNS_TABLE, tsvField,
} from './schema.js';
import { type Batch, Spool, type TableInsert } from './spool.js';

// The scale-out store: every probe writes its flows to ClickHouse over HTTP, in batches of
// `batchRows` flows with their protocol rows, as TabSeparated text. Nothing is lost and nothing is
// written twice:
//
// - A batch that fails is retried with exponential backoff, then spooled to disk (spool.ts). While
//   the spool holds batches, each new batch first replays it (oldest first) and goes to the spool
//   too if the oldest cannot be written: batches keep their order, and an outage costs one failed
//   request per batch instead of the whole backoff. end() replays with the full backoff.
// - Every row carries its batch's id (`batch_id`). Before sending a table's rows again after an
//   attempt that may have reached the server (a timeout, a reset connection, an error answer:
//   anything but a refused connection) and before replaying any spooled batch, the sink makes sure
//   that attempt no longer runs on the server (every attempt at a batch's table has the same
//   query_id; while one runs, the new attempt counts as failed and waits its turn), reads which
//   flow_ids of the batch the table already holds, and sends only the others. A partly written
//   insert (one part per day committed, another not) is thereby completed, not repeated.
// - Runs get a row at begin and one at end in a ReplacingMergeTree (see RUNS_TABLE), alerts one
//   as they start and one as they end (ALERTS_TABLE): a repeated row is harmless there, so these
//   rows skip the check. They queue with the flow batches, so they spool and replay alike.
//
// Where the rows go: by default each probe inserts into the local tables of the server it is given
// (its own node, or any node of the cluster), and queries read every probe through the Distributed
// `<table>_all` tables that `cluster` creates. With insertInto 'distributed' the probe inserts
// through `<table>_all` instead, synchronously (insert_distributed_sync=1, so an answer means the
// shards have the rows and the exactly-once check can trust what it reads); rows are spread over
// the shards by flow_id.
//
// Retention: dropPartitionsBefore(day) drops whole days from the local tables of this server
// (ALTER TABLE … DROP PARTITION ID 'YYYYMMDD'); run it on every node of a cluster.

export interface ClickHouseSinkOptions {
  /** the server's HTTP interface, e.g. http://127.0.0.1:8123 (user:password@ allowed) */
  url: string;
  /** created when missing (default 'sonde') */
  database?: string;
  /**
   * where batches wait while the server is unreachable; any later sink given this directory replays
   * them, into its own url and database: use one directory per ClickHouse destination
   */
  spoolDir: string;
  /** flows per batch (default 5000) */
  batchRows?: number;
  /** a cluster of the server's remote_servers: also create `<table>_all` Distributed tables over it */
  cluster?: string;
  /** 'local' (default): this server's tables; 'distributed': through `<table>_all` (needs cluster) */
  insertInto?: 'local' | 'distributed';
  /** tries per batch (default 5), the first wait between them (default 625 ms, doubling: ~9.4 s in all) */
  retry?: { attempts?: number; firstDelayMs?: number };
  /** longest wait for an answer, ms (default 60000) */
  timeoutMs?: number;
  /** one-line messages about retries and the spool (default: standard error) */
  onWarning?: (message: string) => void;
}

export interface ClickHouseSinkReport {
  /** flows this sink wrote with all their rows, from its own batches and from replayed spooled ones */
  flowsWritten: number;
  /** flow and protocol rows written */
  rowsWritten: number;
  /** flows with rows waiting in the spool directory (of any run) when end() returned */
  flowsSpooled: number;
  /** flow and protocol rows waiting in the spool directory */
  rowsSpooled: number;
  /** the last failure's one-line message, null when nothing failed */
  lastError: string | null;
}

const DEFAULTS = { database: 'sonde', batchRows: 5000, attempts: 5, firstDelayMs: 625, timeoutMs: 60_000 };
/** a batch goes when full or once its first flow has waited this long: a crash loses about a second */
const SEND_AFTER_MS = 1000;
/** tables created at once (one request each) */
const SCHEMA_CONCURRENCY = 8;

/** The rows of the batch being filled, per table (index in flowTables()). */
interface OpenBatch {
  id: string;
  flows: number;
  tables: Map<number, { lines: string[]; firstDay: string; lastDay: string }>;
}

export class ClickHouseSink implements FlowSink {
  readonly name = 'clickhouse';
  readonly database: string;
  private readonly server: URL;
  private readonly spool: Spool;
  private readonly batchRows: number;
  private readonly attempts: number;
  private readonly firstDelayMs: number;
  private readonly timeoutMs: number;
  private readonly warn: (message: string) => void;
  private readonly tables: ChTable[] = flowTables();
  private readonly firstSeenIndex: number;
  private run: RunInfo | null = null;
  private open: OpenBatch | null = null;
  /** when the open batch took its first flow (performance.now()) */
  private openedAt = 0;
  private batchSequence = 0;
  /** batches are stored one after another, in order */
  private queue: Promise<void> = Promise.resolve();
  private schemaReady = false;
  /** set from the first failed attempt of an outage until a write succeeds: one line each */
  private outage = false;
  private readonly counts: ClickHouseSinkReport = { flowsWritten: 0, rowsWritten: 0, flowsSpooled: 0, rowsSpooled: 0, lastError: null };

  constructor(private readonly options: ClickHouseSinkOptions) {
    this.server = new URL(options.url);
    this.database = options.database ?? DEFAULTS.database;
    this.spool = new Spool(options.spoolDir);
    this.batchRows = Math.max(1, options.batchRows ?? DEFAULTS.batchRows);
    this.attempts = Math.max(1, options.retry?.attempts ?? DEFAULTS.attempts);
    this.firstDelayMs = options.retry?.firstDelayMs ?? DEFAULTS.firstDelayMs;
    this.timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
    this.warn = options.onWarning ?? ((m) => process.stderr.write(`sonde: clickhouse: ${m}\n`));
    if (options.insertInto === 'distributed' && !options.cluster) throw new Error("ClickHouse: insertInto 'distributed' needs a cluster");
    this.firstSeenIndex = storedTables()[0]!.columns.findIndex((c) => c.name === 'first_seen');
    if (this.firstSeenIndex < 0) throw new Error('ClickHouse: the flows table has no first_seen column');
  }

  /** What was written and what waits in the spool (final after end()). */
  get report(): ClickHouseSinkReport {
    return { ...this.counts };
  }

  async begin(run: RunInfo): Promise<void> {
    this.run = run;
    this.batchSequence = 0;
    await this.enqueue(this.runsBatch('begin', { run_id: run.runId, status: 'running', ended_at: null, packets: 0, bytes: 0, flows: 0, flows_spooled: 0, revision: 0 }));
  }

  add(flowNumber: number, rows: FlowRows): void {
    const run = this.requireRun();
    if (this.open === null) this.openedAt = performance.now();
    const batch = (this.open ??= { id: `${run.probe}-${run.runId}-${this.batchSequence++}`, flows: 0, tables: new Map() });
    const { day, second } = dayAndSecond(rows.flow[this.firstSeenIndex]);
    const keys = `${run.runId}\t${flowId(run.runId, flowNumber)}\t${escapeText(run.probe)}`;
    const batchId = escapeText(batch.id);
    const fields = (table: number, values: unknown[]): string => this.tables[table]!.valueKinds.map((k, i) => tsvField(k, values[i])).join('\t');
    this.addLine(batch, 0, day, `${keys}\t${fields(0, rows.flow)}\t${day}\t${second}\t${batchId}`);
    for (const p of rows.protocols) this.addLine(batch, p.table, day, `${keys}\t${fields(p.table, p.values)}\t${day}\t${batchId}`);
    batch.flows++;
  }

  /**
   * An alert as it starts (revision 0) or ends (1), under the number the run gives it (the same
   * for both). Queued behind the flow batches already handed over; must not block.
   */
  addAlert(alertNumber: number, alert: AlertRecord, phase: 'start' | 'end'): void {
    const run = this.requireRun();
    const alertId = flowId(run.runId, alertNumber);
    const startSeconds = isoToMicros(alert.start) / 1e6;
    const { day, second } = dayAndSecond(startSeconds);
    const revision = phase === 'start' ? 0 : 1;
    const values: Record<string, string> = {
      run_id: String(run.runId), alert_id: alertId.toString(), probe: escapeText(run.probe), kind: escapeText(alert.kind), target: escapeText(alert.target),
      protocol: escapeText(alert.protocol), start_time: tsvField('double', startSeconds), end_time: tsvField('double', isoToMicros(alert.end) / 1e6),
      packets: tsvField('int', alert.packets), bytes: tsvField('int', alert.bytes), peak_pps: tsvField('int', alert.peak_pps), peak_bps: tsvField('int', alert.peak_bps),
      sources: tsvField('int', alert.sources), destinations: tsvField('int', alert.destinations), ports: tsvField('int', alert.ports),
      top_sources: tsvField('text[]', alert.top_sources), evidence: escapeText(alert.evidence), ongoing: alert.ongoing ? '1' : '0', day, ts: String(second), revision: String(revision),
    };
    const columns = ALERTS_TABLE.columns.map((c) => c.name);
    const line = columns.map((c) => values[c]!).join('\t');
    const batch: Batch = {
      id: `${run.probe}-${run.runId}-alert-${alertNumber}-${revision}`, probe: run.probe, runId: run.runId, flows: 0,
      inserts: [{ table: ALERTS_TABLE.name, columns, lines: [line], firstDay: day, lastDay: day, checkable: false }],
    };
    void this.enqueue(batch).catch(() => {}); // its failure surfaces at the next drain or end
  }

  /**
   * Hands a full batch (or one that waited SEND_AFTER_MS) to the queue and waits for the one before it: one batch is sent while the
   * next fills, so encoding rows and ClickHouse's work overlap, and at most two are in memory.
   */
  async drain(): Promise<void> {
    if (!this.open || (this.open.flows < this.batchRows && performance.now() - this.openedAt < SEND_AFTER_MS)) return;
    const previous = this.queue;
    void this.enqueue(this.takeBatch()).catch(() => {}); // its failure surfaces at the next drain or end
    await previous;
  }

  /**
   * Writes or spools everything and records the run's end; `report` then says how many flows were
   * written and how many wait in the spool. The spool gets the full backoff here: a short outage
   * at the end of a run should not leave its last batches behind.
   */
  async end(status: Exclude<RunStatus, 'running'>, counters: RunCounters): Promise<void> {
    const run = this.requireRun();
    if (this.open && this.open.flows > 0) this.enqueue(this.takeBatch());
    await this.queue;
    await this.replaySpool(this.attempts);
    const spooledOfRun = (await this.spooledBatches()).filter((b) => b.probe === run.probe && b.runId === run.runId);
    const flowsSpooled = spooledOfRun.reduce((sum, b) => sum + b.flows, 0);
    await this.enqueue(this.runsBatch('end', {
      run_id: run.runId, status, ended_at: Date.now() / 1000, packets: counters.packets, bytes: counters.bytes, flows: counters.flows, flows_spooled: flowsSpooled, revision: 1,
    }));
    const waiting = await this.spooledBatches();
    this.counts.flowsSpooled = waiting.reduce((sum, b) => sum + b.flows, 0);
    this.counts.rowsSpooled = waiting.reduce((sum, b) => sum + rowsOf(b), 0);
    this.run = null;
  }

  /** Creates the database and tables that are missing, and adds columns new fields need. */
  async ensureSchema(): Promise<void> {
    if (this.schemaReady) return;
    await this.execute(`CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(this.database)}`, this.database);
    const all = [RUNS_TABLE, ALERTS_TABLE, ...this.tables];
    await inGroups(all, SCHEMA_CONCURRENCY, (t) => this.execute(createTableSql(this.database, t), t.name));
    if (this.options.cluster) {
      const cluster = this.options.cluster;
      await inGroups(all, SCHEMA_CONCURRENCY, (t) => this.execute(createDistributedSql(this.database, t, cluster), t.name + DISTRIBUTED_SUFFIX));
    }
    await this.addMissingColumns(all);
    this.schemaReady = true;
  }

  /**
   * Retention: drops the days before `day` (YYYY-MM-DD, UTC) from flows, the protocol tables and
   * alerts of this server. Returns how many partitions (table × day) were dropped.
   */
  async dropPartitionsBefore(day: string): Promise<number> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`ClickHouse: '${day}' is not a day (YYYY-MM-DD)`);
    const names = new Set([...this.tables.map((t) => t.name), ALERTS_TABLE.name]);
    const answer = await this.execute(
      `SELECT DISTINCT table, partition_id FROM system.parts WHERE database = ${quoteString(this.database)} AND active ` +
        `AND partition_id < ${quoteString(day.replace(/-/g, ''))} FORMAT TabSeparated`,
      'system.parts',
    );
    const partitions = answer.split('\n').filter((l) => l !== '').map((l) => l.split('\t') as [string, string]);
    let dropped = 0;
    for (const [table, partitionId] of partitions) {
      if (!names.has(table) || !/^\d{8}$/.test(partitionId ?? '')) continue;
      await this.execute(`ALTER TABLE ${qualified(this.database, table)} DROP PARTITION ID ${quoteString(partitionId)}`, table);
      dropped++;
    }
    return dropped;
  }

  // --- batches

  private requireRun(): RunInfo {
    if (!this.run) throw new Error('ClickHouse sink: begin() must come first');
    return this.run;
  }

  private addLine(batch: OpenBatch, table: number, day: string, line: string): void {
    let rows = batch.tables.get(table);
    if (!rows) batch.tables.set(table, (rows = { lines: [], firstDay: day, lastDay: day }));
    rows.lines.push(line);
    if (day < rows.firstDay) rows.firstDay = day;
    if (day > rows.lastDay) rows.lastDay = day;
  }

  private takeBatch(): Batch {
    const run = this.requireRun();
    const open = this.open!;
    this.open = null;
    const inserts: TableInsert[] = [...open.tables.entries()]
      .sort(([a], [b]) => a - b) // flows first: a flow's protocol rows never arrive without it
      .map(([table, rows]) => ({ table: this.tables[table]!.name, columns: this.tables[table]!.columns.map((c) => c.name), ...rows, checkable: true }));
    return { id: open.id, probe: run.probe, runId: run.runId, flows: open.flows, inserts };
  }

  private runsBatch(stage: 'begin' | 'end', row: Record<string, unknown>): Batch {
    const run = this.requireRun();
    const values: Record<string, string> = {
      run_id: String(run.runId), probe: escapeText(run.probe), inputs: tsvField('text[]', run.inputs), started_at: tsvField('double', run.startedAt),
      ended_at: tsvField('double', row.ended_at), status: escapeText(String(row.status)), packets: tsvField('int', row.packets), bytes: tsvField('int', row.bytes),
      flows: tsvField('int', row.flows), flows_spooled: tsvField('int', row.flows_spooled), sonde_version: escapeText(run.sondeVersion), revision: String(row.revision),
    };
    const columns = RUNS_TABLE.columns.map((c) => c.name);
    const line = columns.map((c) => values[c]!).join('\t');
    const day = new Date().toISOString().slice(0, 10);
    return { id: `${run.probe}-${run.runId}-${stage}`, probe: run.probe, runId: run.runId, flows: 0, inserts: [{ table: RUNS_TABLE.name, columns, lines: [line], firstDay: day, lastDay: day, checkable: false }] };
  }

  private enqueue(batch: Batch): Promise<void> {
    this.queue = this.queue.then(() => this.store(batch));
    return this.queue;
  }

  /** Writes a batch, or spools it when the server is unreachable (see the top of this file). */
  private async store(batch: Batch): Promise<void> {
    const spoolEmpty = await this.replaySpool(1);
    if (spoolEmpty && (await this.deliver(batch, this.attempts))) {
      this.endOutage(0);
      return;
    }
    await this.spool.add(batch);
  }

  /** Writes spooled batches, oldest first, until one fails. True when the spool is empty. */
  private async replaySpool(attempts: number): Promise<boolean> {
    let replayed = 0;
    for (const name of await this.spool.names()) {
      let batch: Batch;
      try {
        batch = await this.spool.read(name);
      } catch (e) {
        this.warn(`spooled batch ${name} cannot be read (${(e as Error).message}); kept as ${await this.spool.setAside(name)}`);
        continue;
      }
      if (!(await this.deliver(batch, attempts))) return false;
      await this.spool.remove(name);
      replayed++;
    }
    // a spool left by an earlier run, or the end of this run's outage
    if (this.outage) this.endOutage(replayed);
    else if (replayed > 0) this.warn(`wrote ${replayed} spooled batch(es) from ${this.spool.dir}`);
    return true;
  }

  /** Tries a batch up to `attempts` times with exponential backoff. True when written. */
  private async deliver(batch: Batch, attempts: number): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.write(batch);
        return true;
      } catch (e) {
        if (!(e instanceof ClickHouseError)) throw e;
        this.counts.lastError = e.message;
        this.beginOutage(e.message);
        if (attempt >= attempts) return false;
        await sleep(this.firstDelayMs * 2 ** (attempt - 1));
      }
    }
  }

  /** The first failure of an outage is reported; the retries and spooled batches that follow are not. */
  private beginOutage(message: string): void {
    if (this.outage) return;
    this.outage = true;
    this.warn(`cannot write to ${this.server.host}: ${message}; retrying, and keeping batches in ${this.spool.dir} until the server answers`);
  }

  /** The write that ends an outage is reported, with the spooled batches written since. */
  private endOutage(replayed: number): void {
    if (!this.outage) return;
    this.outage = false;
    this.warn(`${this.server.host} answers again${replayed > 0 ? `; wrote ${replayed} spooled batch(es) from ${this.spool.dir}` : ''}`);
  }

  /** One attempt: the inserts not yet written, in order; each is dropped from the batch once written. */
  private async write(batch: Batch): Promise<void> {
    await this.ensureSchema();
    while (batch.inserts.length > 0) {
      const insert = batch.inserts[0]!;
      await this.insert(batch.id, insert);
      batch.inserts.shift();
      if (isFlowInsert(insert)) this.counts.rowsWritten += insert.lines.length;
    }
    this.counts.flowsWritten += batch.flows;
  }

  private targetTable(table: string): string {
    return this.options.insertInto === 'distributed' ? table + DISTRIBUTED_SUFFIX : table;
  }

  private async insert(batchId: string, insert: TableInsert): Promise<void> {
    const table = this.targetTable(insert.table);
    const queryId = `sonde:${batchId}:${insert.table}`;
    const lines = insert.checkable && insert.mayHaveReached ? await this.linesNotYetStored(batchId, queryId, insert) : insert.lines;
    if (lines.length === 0) return;
    const columns = insert.columns.map(quoteIdentifier).join(', ');
    try {
      await this.request(
        { query: `INSERT INTO ${qualified(this.database, table)} (${columns}) FORMAT TabSeparated`, query_id: queryId, ...this.insertSettings() },
        lines.join('\n') + '\n',
        table,
      );
    } catch (e) {
      if (e instanceof ClickHouseError && e.mayHaveReached) insert.mayHaveReached = true;
      throw e;
    }
  }

  private insertSettings(): Record<string, string> {
    return this.options.insertInto === 'distributed' ? { insert_distributed_sync: '1' } : {};
  }

  /**
   * The lines of an insert whose flow_id the table does not hold yet for this batch. An earlier
   * attempt still running on the server (this side timed out, the server did not) could write
   * right after the look, so it must have ended first.
   */
  private async linesNotYetStored(batchId: string, queryId: string, insert: TableInsert): Promise<string[]> {
    const table = this.targetTable(insert.table);
    const where = `${this.database}.${table}`;
    const running = await this.execute(`SELECT count() FROM system.processes WHERE query_id = ${quoteString(queryId)}`, table);
    if (parseCount(running, where) > 0) throw new ClickHouseError(`${where}: an earlier attempt of batch ${batchId} is still running`, true);
    const answer = await this.execute(
      `SELECT flow_id FROM ${qualified(this.database, table)} WHERE day >= ${quoteString(insert.firstDay)} AND day <= ${quoteString(insert.lastDay)} ` +
        `AND batch_id = ${quoteString(batchId)} FORMAT TabSeparated`,
      table,
    );
    const stored = new Set(answer.split('\n').filter((l) => l !== ''));
    for (const id of stored) if (!/^-?\d+$/.test(id)) throw new ClickHouseError(`${where}: malformed answer to the batch check: '${id.slice(0, 80)}'`, true);
    if (stored.size === 0) return insert.lines;
    return insert.lines.filter((line) => !stored.has(line.split('\t', 2)[1]!));
  }

  // --- schema

  private async addMissingColumns(tables: ChTable[]): Promise<void> {
    const answer = await this.execute(`SELECT table, name FROM system.columns WHERE database = ${quoteString(this.database)} FORMAT TabSeparated`, 'system.columns');
    const existing = new Set(answer.split('\n').filter((l) => l !== ''));
    const targets = tables.flatMap((t) => [{ name: t.name, t }, ...(this.options.cluster ? [{ name: t.name + DISTRIBUTED_SUFFIX, t }] : [])]);
    for (const { name, t } of targets) {
      // a table created by an older sonde: new fields become new columns (rows it wrote read as NULL or [])
      let previous = t.columns[0]!.name;
      for (const c of t.columns) {
        if (!existing.has(`${name}\t${c.name}`)) {
          await this.execute(`ALTER TABLE ${qualified(this.database, name)} ADD COLUMN ${quoteIdentifier(c.name)} ${c.type} AFTER ${quoteIdentifier(previous)}`, name);
        }
        previous = c.name;
      }
    }
  }

  // --- requests

  /** A query answered with text (DDL, SELECT). Errors name the table they concern. */
  private execute(sql: string, table: string): Promise<string> {
    return this.request({}, sql, table);
  }

  private async request(params: Record<string, string>, body: string, table: string): Promise<string> {
    try {
      return await clickHouseRequest(this.server, { params, body, timeoutMs: this.timeoutMs });
    } catch (e) {
      if (!(e instanceof ClickHouseError)) throw e;
      // the server's own answer concerns a table; a connection that failed concerns the server
      if (!e.answered) throw e;
      const where = table.includes('.') ? table : table === this.database ? `database ${table}` : `${this.database}.${table}`;
      throw e.message.startsWith(`${where}: `) ? e : new ClickHouseError(`${where}: ${e.message}`, e.mayHaveReached, true);
    }
  }

  private async spooledBatches(): Promise<Batch[]> {
    const batches: Batch[] = [];
    for (const name of await this.spool.names()) {
      try {
        batches.push(await this.spool.read(name));
      } catch {
        // reported when a replay meets it
      }
    }
    return batches;
  }
}

/** rows of flows and protocol tables (what the report counts), not those of runs or alerts */
const isFlowInsert = (i: TableInsert): boolean => i.table !== RUNS_TABLE.name && i.table !== ALERTS_TABLE.name;
const rowsOf = (b: Batch): number => b.inserts.reduce((sum, i) => sum + (isFlowInsert(i) ? i.lines.length : 0), 0);

function parseCount(answer: string, where: string): number {
  const text = answer.trim();
  if (!/^\d+$/.test(text)) throw new ClickHouseError(`${where}: malformed answer to a count: '${text.slice(0, 80)}'`, true);
  return Number(text);
}

/** Runs `f` over `items`, `size` at a time; every call finishes before the first error is thrown. */
async function inGroups<T>(items: T[], size: number, f: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) {
    const results = await Promise.allSettled(items.slice(i, i + size).map(f));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
