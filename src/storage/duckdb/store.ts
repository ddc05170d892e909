import { hostname } from 'node:os';
import {
  BIGINT, BOOLEAN, DOUBLE, type DuckDBAppender, DuckDBConnection, DuckDBInstance, LIST, listValue, TIMESTAMP, VARCHAR, type DuckDBType,
} from './duckdb-api.js';
import { type ColumnBatch } from '../column-batch.js';
import { ALERTS_DDL, type AlertRecord, isoToMicros } from '../../detect/alert.js';
import { type RunCounters, type RunInfo, type RunStatus } from '../sink.js';
import { type ColumnKind, KEY_COLUMNS, type TableDef } from '../tables.js';
import { ChunkWriter, CHUNK_ROWS, type ColumnSource } from './chunk-writer.js';

// The embedded store: one DuckDB file (./sonde.duckdb by default). Tables come from the flow field
// declarations (storage/tables.ts); `runs` records every analyze run. Flows arrive in column
// batches (column-batch.ts) and go into DuckDB data chunks (chunk-writer.ts). The flows are
// committed with the run's stored-flow count every BATCH_FLOWS flows and at least every
// COMMIT_INTERVAL_MS of wall time, so a crash or kill -9 loses about a second of flows, completed
// runs stay whole, and the interrupted one keeps exactly the flows it had committed.
// Time-range queries rely on insertion order: flows arrive roughly in capture-time order, and
// DuckDB's per-row-group min/max (zone maps) skip the row groups outside a range; no index slows
// the appends.

/** flows per committed transaction at most */
const BATCH_FLOWS = 64 * CHUNK_ROWS;
/** the longest an appended flow waits for its commit (see commitDueInMs) */
export const COMMIT_INTERVAL_MS = 1000;

/**
 * Rows per row group (DuckDB's default is 122,880). Appended rows reach the file a full row group
 * at a time, during the run (write_buffer_row_group_count = 1, and an appender is flushed when it
 * holds a row group); smaller groups leave less to write when the run ends, and give time-range
 * queries finer min/max skipping.
 */
const ROW_GROUP_ROWS = 8 * CHUNK_ROWS;

export const SQL_TYPE: Record<ColumnKind, string> = {
  text: 'VARCHAR', int: 'BIGINT', double: 'DOUBLE', timestamp: 'TIMESTAMP', bool: 'BOOLEAN',
  'text[]': 'VARCHAR[]', 'int[]': 'BIGINT[]', 'double[]': 'DOUBLE[]',
};

const DUCK_TYPE: Record<ColumnKind, DuckDBType> = {
  text: VARCHAR, int: BIGINT, double: DOUBLE, timestamp: TIMESTAMP, bool: BOOLEAN,
  'text[]': LIST(VARCHAR), 'int[]': LIST(BIGINT), 'double[]': LIST(DOUBLE),
};

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
export const quoteLiteral = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/** One stored table being appended to: its appender and how its columns are filled. */
interface TableAppender {
  writer: ChunkWriter;
  appender: DuckDBAppender;
  /** rows appended since the appender was last flushed */
  unflushed: number;
}

export interface DuckDbStoreOptions {
  /** flows per committed transaction (default BATCH_FLOWS) */
  batchFlows?: number;
  /** commit appended flows once the oldest has waited this long (default COMMIT_INTERVAL_MS) */
  commitIntervalMs?: number;
}

export class DuckDbStore {
  readonly name = 'duckdb';
  private tables: TableAppender[] = [];
  private runId = 0n;
  private runIdNumber = 0;
  private pendingFlows = 0;
  private inTransaction = false;
  /** when the open transaction took its first flows (performance.now()) */
  private transactionStartedAt = 0;
  private storedFlows = 0;
  private readonly batchFlows: number;
  private readonly commitIntervalMs: number;
  /** the first failed write: the run cannot store more */
  private failure: Error | null = null;

  private constructor(
    readonly path: string,
    /** the tables to store (storedTables(), passed in so the store's thread needs no dissectors) */
    private readonly definitions: TableDef[],
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    options: DuckDbStoreOptions,
  ) {
    this.batchFlows = options.batchFlows ?? BATCH_FLOWS;
    this.commitIntervalMs = options.commitIntervalMs ?? COMMIT_INTERVAL_MS;
  }

  /** Opens (or creates) the store; brings its tables up to the current schema; closes runs left 'running' by a dead process. */
  static async open(path: string, tables: TableDef[], options: DuckDbStoreOptions = {}): Promise<DuckDbStore> {
    // attached rather than opened directly: only ATTACH takes a row group size
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      await connection.run(`ATTACH ${quoteLiteral(path)} AS store (ROW_GROUP_SIZE ${ROW_GROUP_ROWS}); USE store; SET write_buffer_row_group_count = 1`);
    } catch (e) {
      connection.closeSync();
      instance.closeSync();
      throw e;
    }
    const store = new DuckDbStore(path, tables, instance, connection, options);
    await store.migrate();
    await store.recoverInterruptedRuns();
    return store;
  }

  /** Creates missing tables and adds missing columns (new fields, new dissectors), in one statement list. */
  private async migrate(): Promise<void> {
    const existing = await this.storedColumns();
    const statements = [RUNS_DDL, ALERTS_DDL];
    for (const t of this.definitions) {
      const cols = [...KEY_COLUMNS, ...t.columns];
      const have = existing.get(t.name);
      if (!have) {
        statements.push(`CREATE TABLE ${quoteIdent(t.name)} (${cols.map((c) => `${quoteIdent(c.name)} ${SQL_TYPE[c.kind]}`).join(', ')})`);
        continue;
      }
      const names = new Set(have.map((c) => c.name));
      for (const c of cols) {
        if (!names.has(c.name)) statements.push(`ALTER TABLE ${quoteIdent(t.name)} ADD COLUMN ${quoteIdent(c.name)} ${SQL_TYPE[c.kind]}`);
      }
    }
    await this.connection.run(statements.join(';\n'));
  }

  /** every table's columns as stored (name and SQL type, in order), read in one query */
  private async storedColumns(): Promise<Map<string, { name: string; type: string }[]>> {
    const r = await this.connection.runAndReadAll(
      'SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_catalog = current_database() AND table_schema = current_schema() ORDER BY table_name, ordinal_position',
    );
    const out = new Map<string, { name: string; type: string }[]>();
    for (const [table, name, type] of r.getRows()) {
      const list = out.get(String(table)) ?? [];
      list.push({ name: String(name), type: String(type) });
      out.set(String(table), list);
    }
    return out;
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
    this.tables = [];
    const stored = await this.storedColumns();
    for (const t of this.definitions) {
      const sources: ColumnSource[] = [];
      const types: DuckDBType[] = [];
      for (const { name, type } of stored.get(t.name) ?? []) {
        if (name === 'run_id' || name === 'flow_id') {
          sources.push({ from: name });
          types.push(BIGINT);
          continue;
        }
        const index = t.columns.findIndex((c) => c.name === name);
        if (index < 0) {
          // a column of an older schema that we no longer write: nulls of its own type
          const kind = kindForSql(type);
          sources.push({ from: 'none', width: kind === 'bool' ? 1 : kind === 'text' || kind.endsWith('[]') ? 16 : 8 });
          types.push(DUCK_TYPE[kind]);
        } else {
          const kind = t.columns[index]!.kind;
          sources.push({ from: 'column', index, kind });
          types.push(DUCK_TYPE[kind]);
        }
      }
      const appender = await this.connection.createAppender(t.name);
      this.tables.push({ writer: new ChunkWriter(types, sources), appender, unflushed: 0 });
    }
  }

  /**
   * Appends a batch of flows to the open transaction (opening one when needed); commits every
   * batchFlows flows. After a failure (disk full, file too large) every later write fails with
   * the same error: the transaction is lost, and the run ends with what was committed before.
   */
  async write(batch: ColumnBatch): Promise<void> {
    if (this.failure) throw this.failure;
    try {
      await this.append(batch);
    } catch (e) {
      this.failure = e as Error;
      throw e;
    }
  }

  private async append(batch: ColumnBatch): Promise<void> {
    if (!this.inTransaction) {
      await this.connection.run('BEGIN TRANSACTION');
      this.inTransaction = true;
      this.transactionStartedAt = performance.now();
    }
    for (let i = 0; i < batch.tables.length; i++) {
      const rows = batch.tables[i];
      if (!rows) continue;
      const t = this.tables[i]!;
      for (let start = 0; start < rows.rows; start += CHUNK_ROWS) {
        t.writer.append(t.appender, rows, start, Math.min(CHUNK_ROWS, rows.rows - start), this.runIdNumber);
      }
      // a full row group goes into the transaction now, and so to the file while the analysis
      // goes on; smaller remainders wait for the commit
      t.unflushed += rows.rows;
      if (t.unflushed >= ROW_GROUP_ROWS) {
        t.appender.flushSync();
        t.unflushed = 0;
      }
    }
    this.pendingFlows += batch.flows;
    if (this.pendingFlows >= this.batchFlows || this.commitDueInMs() === 0) await this.commitBatch();
  }

  /**
   * Milliseconds until the appended flows must be committed (0: now), Infinity when none wait.
   * The store's thread sets a timer with it, so flows that arrive just before a quiet spell are
   * committed too.
   */
  commitDueInMs(): number {
    if (this.pendingFlows === 0 || this.failure) return Number.POSITIVE_INFINITY;
    return Math.max(0, this.commitIntervalMs - (performance.now() - this.transactionStartedAt));
  }

  /** Commits the appended flows when they have waited long enough (see commitDueInMs). */
  async commitIfDue(): Promise<void> {
    if (this.commitDueInMs() !== 0) return;
    try {
      await this.commitBatch();
    } catch (e) {
      this.failure = e as Error;
      throw e;
    }
  }

  /** Commits the appended rows together with the run's stored-flow count. */
  private async commitBatch(): Promise<void> {
    if (this.pendingFlows === 0) return;
    try {
      for (const t of this.tables) {
        t.appender.flushSync();
        t.unflushed = 0;
      }
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

  /**
   * Commits what is left and closes the run with its counters. A run whose writes failed (here
   * or before) is closed as 'failed' with the flows committed before, and the failure thrown.
   */
  async end(status: Exclude<RunStatus, 'running'>, counters: RunCounters): Promise<void> {
    if (!this.failure) await this.commitBatch().catch((e: unknown) => (this.failure = e as Error));
    if (this.failure) {
      // the appenders hold rows of the lost transaction: dropped, not flushed
      await this.connection.run('ROLLBACK').catch(() => undefined);
      this.inTransaction = false;
      status = 'failed';
    } else {
      for (const t of this.tables) t.appender.closeSync();
    }
    this.tables = [];
    await this.connection.run(
      'UPDATE runs SET status = $1, ended_at = make_timestamp($2::BIGINT), packets = $3, bytes = $4, flows = $5, flows_stored = $6 WHERE run_id = $7',
      [status, BigInt(Math.round((Date.now() / 1000) * 1e6)), BigInt(counters.packets), BigInt(counters.bytes), BigInt(counters.flows), BigInt(this.storedFlows), this.runId],
    );
    // an interrupted run should end at once: its flows are committed in the write-ahead log,
    // which readers read and the next writer checkpoints into the file
    if (status === 'interrupted') await this.connection.run('PRAGMA disable_checkpoint_on_shutdown');
    if (this.failure) throw this.failure;
  }

  /**
   * An alert of this run as it starts (ongoing) or ends: its row is replaced, so an attack is one
   * row. Written in the open transaction when there is one (committed with its flows), else at once.
   */
  async writeAlert(alertNumber: number, a: AlertRecord): Promise<void> {
    if (this.failure) throw this.failure;
    const id = (this.runId << 32n) + BigInt(alertNumber);
    await this.connection.run('DELETE FROM alerts WHERE alert_id = $1', [id]);
    await this.connection.run(
      'INSERT INTO alerts VALUES ($1, $2, $3, $4, $5, make_timestamp($6::BIGINT), make_timestamp($7::BIGINT), $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)',
      [
        this.runId, id, a.kind, a.target, a.protocol, BigInt(isoToMicros(a.start)), BigInt(isoToMicros(a.end)), BigInt(a.packets), BigInt(a.bytes),
        BigInt(a.peak_pps), BigInt(a.peak_bps), BigInt(a.sources), BigInt(a.destinations), BigInt(a.ports), listValue(a.top_sources), a.evidence, a.ongoing,
      ],
    );
  }

  /**
   * Retention: deletes the flows whose last packet is older than `cutoffMicros` (capture time),
   * their rows in every protocol table, and alerts that ended before it, in one transaction.
   * Runs stay (they say what was analysed, not what was seen). Returns what was deleted.
   */
  async prune(cutoffMicros: number): Promise<{ flows: number; alerts: number }> {
    const cutoff = BigInt(Math.floor(cutoffMicros));
    const count = async (sql: string): Promise<number> => {
      const reader = await this.connection.runAndReadAll(sql, [cutoff]);
      return Number(reader.getRows()[0]?.[0] ?? 0);
    };
    const old = 'SELECT flow_id FROM flows WHERE last_seen < make_timestamp($1::BIGINT)';
    // while a run writes (live --retain), its pending flows are committed first: one transaction at a time
    if (this.inTransaction) await this.commitBatch();
    if (this.inTransaction) {
      await this.connection.run('COMMIT');
      this.inTransaction = false;
    }
    await this.connection.run('BEGIN TRANSACTION');
    try {
      const flows = await count(`SELECT count(*) FROM flows WHERE last_seen < make_timestamp($1::BIGINT)`);
      for (const t of this.definitions) {
        if (t.name === 'flows') continue;
        await this.connection.run(`DELETE FROM ${quoteIdent(t.name)} WHERE flow_id IN (${old})`, [cutoff]);
      }
      await this.connection.run('DELETE FROM flows WHERE last_seen < make_timestamp($1::BIGINT)', [cutoff]);
      const alerts = await count('SELECT count(*) FROM alerts WHERE end_time < make_timestamp($1::BIGINT)');
      await this.connection.run('DELETE FROM alerts WHERE end_time < make_timestamp($1::BIGINT)', [cutoff]);
      await this.connection.run('COMMIT');
      // the freed blocks are reused by later writes once checkpointed
      await this.connection.run('CHECKPOINT');
      return { flows, alerts };
    } catch (e) {
      await this.connection.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  /** flows committed in this run so far */
  get flowsStored(): number {
    return this.storedFlows;
  }

  private reading: DuckDBConnection | null = null;

  /** A second connection to the store, for reading while this one writes: it sees what is committed. */
  async readConnection(): Promise<DuckDBConnection> {
    if (!this.reading) {
      const c = await this.instance.connect();
      await c.run('USE store');
      this.reading = c;
    }
    return this.reading;
  }

  close(): void {
    this.reading?.closeSync();
    this.reading = null;
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** the column kind of a stored column from its SQL type name (text for anything else) */
function kindForSql(sql: string): ColumnKind {
  return (Object.keys(SQL_TYPE) as ColumnKind[]).find((k) => SQL_TYPE[k] === sql) ?? 'text';
}

/** whether a process of this host is alive (one of another user counts: it exists) */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
