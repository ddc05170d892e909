import { hostname } from 'node:os';
import {
  BIGINT, BOOLEAN, DOUBLE, DuckDBAppender, DuckDBConnection, DuckDBDataChunk, DuckDBInstance, DuckDBTimestampValue, LIST,
  listValue, TIMESTAMP, VARCHAR, type DuckDBType, type DuckDBValue,
} from '@duckdb/node-api';
import { flowId, type FlowSink, type RunCounters, type RunInfo, type RunStatus } from '../sink.js';
import { type ColumnKind, KEY_COLUMNS, storedTables, type TableDef, type FlowRows } from '../tables.js';

// The embedded store: one DuckDB file (./sonde.duckdb by default). Tables come from the flow field
// declarations (storage/tables.ts); `runs` records every analyze run. Rows are gathered column by
// column into DuckDB data chunks and appended chunk-wise, and each batch is committed in one
// transaction with the run's flushed-flow count, so a crash or Ctrl-C leaves completed runs whole
// and the interrupted one with exactly the flows it had committed. Time-range queries rely on
// insertion order: flows arrive roughly in capture-time order, and DuckDB's per-row-group min/max
// (zone maps) skip the row groups outside a range; no index slows the appends.

/** rows per data chunk: DuckDB's vector size */
const CHUNK_ROWS = 2048;
/** rows gathered before they are appended (the JS-side buffer stays small) */
const APPEND_ROWS = 4 * CHUNK_ROWS;
/**
 * flows per committed transaction: above DuckDB's row group size (122,880 rows), so a batch is
 * written straight into the database file instead of going through the write-ahead log first
 */
const BATCH_FLOWS = 64 * CHUNK_ROWS;

export const SQL_TYPE: Record<ColumnKind, string> = {
  text: 'VARCHAR', int: 'BIGINT', double: 'DOUBLE', timestamp: 'TIMESTAMP', bool: 'BOOLEAN',
  'text[]': 'VARCHAR[]', 'int[]': 'BIGINT[]', 'double[]': 'DOUBLE[]',
};

const DUCK_TYPE: Record<ColumnKind, DuckDBType> = {
  text: VARCHAR, int: BIGINT, double: DOUBLE, timestamp: TIMESTAMP, bool: BOOLEAN,
  'text[]': LIST(VARCHAR), 'int[]': LIST(BIGINT), 'double[]': LIST(DOUBLE),
};

const toBigInt = (v: unknown): bigint | null => (typeof v === 'number' ? BigInt(Math.trunc(v)) : typeof v === 'bigint' ? v : null);

/** a JS value of the flow record → the DuckDB value for a column of that kind */
function duckValue(kind: ColumnKind, v: unknown): DuckDBValue {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case 'text':
      return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
    case 'int':
      return toBigInt(v);
    case 'double':
      return typeof v === 'number' ? v : Number(v);
    case 'timestamp':
      return typeof v === 'number' ? new DuckDBTimestampValue(BigInt(Math.round(v * 1e6))) : null;
    case 'bool':
      return Boolean(v);
    case 'text[]':
      return Array.isArray(v) ? listValue(v.map((x) => (typeof x === 'string' ? x : String(x)))) : null;
    case 'int[]':
      return Array.isArray(v) ? listValue(v.map(toBigInt)) : null;
    case 'double[]':
      return Array.isArray(v) ? listValue(v.map((x) => (typeof x === 'number' ? x : Number(x)))) : null;
  }
}

const RUNS_DDL = `CREATE TABLE IF NOT EXISTS runs (
  run_id BIGINT PRIMARY KEY,
  status VARCHAR NOT NULL,
  inputs VARCHAR[] NOT NULL,
  started_at TIMESTAMP NOT NULL,
  ended_at TIMESTAMP,
  packets BIGINT,
  bytes BIGINT,
  flows BIGINT,
  flows_stored BIGINT NOT NULL DEFAULT 0,
  sonde_version VARCHAR,
  probe VARCHAR,
  pid BIGINT
)`;

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** One table's rows gathered column-wise, in the stored table's own column order. */
class TableBuffer {
  /** per stored column: where its value sits in our row (-1: a column we do not write, null) */
  readonly columns: DuckDBValue[][];
  rows = 0;

  constructor(
    readonly def: TableDef,
    /** per stored column: index into KEY_COLUMNS + def.columns, or -1 */
    readonly sourceIndex: number[],
    readonly kinds: (ColumnKind | null)[],
    readonly types: DuckDBType[],
    readonly appender: DuckDBAppender,
  ) {
    this.columns = sourceIndex.map(() => []);
  }

  push(runId: bigint, flowId: bigint, values: unknown[]): void {
    for (let c = 0; c < this.sourceIndex.length; c++) {
      const i = this.sourceIndex[c]!;
      const col = this.columns[c]!;
      if (i < 0) col.push(null);
      else if (i === 0) col.push(runId);
      else if (i === 1) col.push(flowId);
      else col.push(duckValue(this.kinds[c]!, values[i - 2]));
    }
    this.rows++;
  }

  /** Appends the gathered rows to the appender, a data chunk at a time. */
  appendAll(): void {
    for (let start = 0; start < this.rows; start += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, this.rows - start);
      const chunk = DuckDBDataChunk.create(this.types, n);
      for (let c = 0; c < this.columns.length; c++) chunk.setColumnValues(c, this.columns[c]!.slice(start, start + n));
      this.appender.appendDataChunk(chunk);
    }
    for (const col of this.columns) col.length = 0;
    this.rows = 0;
  }
}

export interface DuckDbStoreOptions {
  /** flows per committed batch (default 32768) */
  batchFlows?: number;
}

export class DuckDbStore implements FlowSink {
  readonly name = 'duckdb';
  private buffers: TableBuffer[] = [];
  private runId = 0n;
  private runIdNumber = 0;
  private pendingFlows = 0;
  private inTransaction = false;
  private storedFlows = 0;
  private readonly batchFlows: number;

  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    options: DuckDbStoreOptions,
  ) {
    this.batchFlows = options.batchFlows ?? BATCH_FLOWS;
  }

  /** Opens (or creates) the store; brings its tables up to the current schema; closes runs left 'running' by a dead process. */
  static async open(path: string, options: DuckDbStoreOptions = {}): Promise<DuckDbStore> {
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    const store = new DuckDbStore(path, instance, connection, options);
    await store.migrate();
    await store.recoverInterruptedRuns();
    return store;
  }

  /** Creates missing tables and adds missing columns (new fields, new dissectors). */
  private async migrate(): Promise<void> {
    await this.connection.run(RUNS_DDL);
    for (const t of storedTables()) {
      const cols = [...KEY_COLUMNS, ...t.columns];
      await this.connection.run(`CREATE TABLE IF NOT EXISTS ${quoteIdent(t.name)} (${cols.map((c) => `${quoteIdent(c.name)} ${SQL_TYPE[c.kind]}`).join(', ')})`);
      const existing = new Set(await this.columnNames(t.name));
      for (const c of cols) {
        if (!existing.has(c.name)) await this.connection.run(`ALTER TABLE ${quoteIdent(t.name)} ADD COLUMN ${quoteIdent(c.name)} ${SQL_TYPE[c.kind]}`);
      }
    }
  }

  private async columnNames(table: string): Promise<string[]> {
    const r = await this.connection.runAndReadAll(
      'SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position',
      [table],
    );
    return r.getRows().map((row) => String(row[0]));
  }

  /**
   * A run still 'running' whose process is gone (crash, kill -9, power loss) is marked
   * 'interrupted', with the flows it had committed.
   */
  private async recoverInterruptedRuns(): Promise<void> {
    const r = await this.connection.runAndReadAll("SELECT run_id, pid, probe FROM runs WHERE status = 'running'");
    for (const [runId, pid, probe] of r.getRows()) {
      if (probe === hostname() && typeof pid === 'bigint' && processAlive(Number(pid))) continue;
      await this.connection.run(
        "UPDATE runs SET status = 'interrupted', flows_stored = (SELECT count(*) FROM flows WHERE run_id = $1) WHERE run_id = $1",
        [runId as bigint],
      );
    }
  }

  /** A run id above every earlier one: the start time in seconds, or the last id + 1. */
  async nextRunId(startedAt: number): Promise<number> {
    const r = await this.connection.runAndReadAll('SELECT coalesce(max(run_id), 0) FROM runs');
    const last = Number(r.getRows()[0]![0]);
    return Math.max(Math.floor(startedAt), last + 1);
  }

  async begin(run: RunInfo): Promise<void> {
    this.runId = BigInt(run.runId);
    this.runIdNumber = run.runId;
    await this.connection.run(
      "INSERT INTO runs (run_id, status, inputs, started_at, sonde_version, probe, pid) VALUES ($1, 'running', $2, make_timestamp($3::BIGINT), $4, $5, $6)",
      [this.runId, listValue(run.inputs), BigInt(Math.round(run.startedAt * 1e6)), run.sondeVersion, run.probe, BigInt(process.pid)],
    );
    this.buffers = [];
    for (const t of storedTables()) {
      const stored = await this.connection.runAndReadAll(
        'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position',
        [t.name],
      );
      const ours = [...KEY_COLUMNS, ...t.columns];
      const sourceIndex: number[] = [];
      const kinds: (ColumnKind | null)[] = [];
      const types: DuckDBType[] = [];
      for (const [name, dataType] of stored.getRows()) {
        const i = ours.findIndex((c) => c.name === name);
        sourceIndex.push(i);
        const kind = i >= 0 ? ours[i]!.kind : null;
        kinds.push(kind);
        // a column of an older schema that we no longer write: nulls of its own type
        types.push(kind !== null ? DUCK_TYPE[kind] : typeForSql(String(dataType)));
      }
      const appender = await this.connection.createAppender(t.name);
      this.buffers.push(new TableBuffer(t, sourceIndex, kinds, types, appender));
    }
  }

  add(flowNumber: number, rows: FlowRows): void {
    const id = flowId(this.runIdNumber, flowNumber);
    this.buffers[0]!.push(this.runId, id, rows.flow);
    for (const p of rows.protocols) this.buffers[p.table]!.push(this.runId, id, p.values);
    this.pendingFlows++;
  }

  async drain(): Promise<void> {
    if (this.buffers[0]!.rows >= APPEND_ROWS) await this.appendBuffered();
    if (this.pendingFlows >= this.batchFlows) await this.commitBatch();
  }

  /** Moves the gathered rows into the open transaction (opening one when needed). */
  private async appendBuffered(): Promise<void> {
    if (!this.inTransaction) {
      await this.connection.run('BEGIN TRANSACTION');
      this.inTransaction = true;
    }
    for (const b of this.buffers) {
      if (b.rows === 0) continue;
      b.appendAll();
      b.appender.flushSync();
    }
  }

  /** Commits the appended rows together with the run's stored-flow count. */
  private async commitBatch(): Promise<void> {
    if (this.pendingFlows === 0) return;
    try {
      await this.appendBuffered();
      const stored = this.storedFlows + this.pendingFlows;
      await this.connection.run('UPDATE runs SET flows_stored = $1 WHERE run_id = $2', [BigInt(stored), this.runId]);
      await this.connection.run('COMMIT');
      this.inTransaction = false;
      this.storedFlows = stored;
    } catch (e) {
      await this.connection.run('ROLLBACK').catch(() => undefined);
      this.inTransaction = false;
      throw e;
    }
    this.pendingFlows = 0;
  }

  async end(status: Exclude<RunStatus, 'running'>, counters: RunCounters): Promise<void> {
    await this.commitBatch();
    for (const b of this.buffers) b.appender.closeSync();
    this.buffers = [];
    await this.connection.run(
      'UPDATE runs SET status = $1, ended_at = make_timestamp($2::BIGINT), packets = $3, bytes = $4, flows = $5, flows_stored = $6 WHERE run_id = $7',
      [status, BigInt(Math.round((Date.now() / 1000) * 1e6)), BigInt(counters.packets), BigInt(counters.bytes), BigInt(counters.flows), BigInt(this.storedFlows), this.runId],
    );
  }

  /** flows committed in this run so far */
  get flowsStored(): number {
    return this.storedFlows;
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** the DuckDB type of a stored column from its SQL type name (VARCHAR for anything else) */
function typeForSql(sql: string): DuckDBType {
  const kind = (Object.keys(SQL_TYPE) as ColumnKind[]).find((k) => SQL_TYPE[k] === sql);
  return kind !== undefined ? DUCK_TYPE[kind] : VARCHAR;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
