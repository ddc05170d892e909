import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBConnection, DuckDBInstance, type DuckDBResult, type DuckDBValue, JSDuckDBValueConverter } from './duckdb-api.js';
import { type ColumnDef, FEATURES_INDEX, KEY_COLUMNS, protocolTables, recordFieldOrder, storedTables, type TableDef } from '../tables.js';
import { processAlive, quoteIdent, quoteLiteral } from './store.js';

// Reading the store: SQL from the user, built-in reports, and flow records rebuilt in the shape
// `sonde analyze --format jsonl` prints (protocol tables nested back as objects). Every value that
// comes from a user is a bound parameter; column names are checked against the schema.
//
// A reader sees the store and nothing else: DuckDB's external access is off (no files, no
// network, no extensions to install or load), the configuration is locked so SQL cannot turn it
// back on, and DuckDB's own memory is bounded, spilling to a private temporary folder. Results
// come a chunk at a time, so what a query costs does not grow with what it returns.

export class StoreError extends Error {}

/**
 * DuckDB's memory on a reading connection (its buffer pool, sorts, joins, hash tables). Sorting a
 * million flows with every column needs about 150 MB before it can spill to disk; the process
 * adds ~100 MB of its own (Node, DuckDB's code) and the rows in flight.
 */
export const READ_MEMORY_LIMIT = '160MB';
/** one thread: each DuckDB thread keeps buffers of its own, and a store read is bound by the output anyway */
const READ_THREADS = 1;
/**
 * flows per page of records (export jsonl and Zeek logs). A page's protocol objects live until
 * its last record is written, long enough to reach V8's old generation, which is only collected
 * now and then: at 8,192 flows a 100,000-flow export peaked 5–80 MB above a 25,000-flow one from
 * run to run; at 2,048, 15–20 MB, and no slower.
 */
const RECORD_PAGE_FLOWS = 2048;

/** A long-lived reader (the dashboard) may use more of the machine than a one-off command. */
export interface ReaderTuning {
  threads?: number;
  /** DuckDB's memory_limit, e.g. '400MB' */
  memoryLimit?: string;
}

/** What an export may write besides reading the store: its own output, nothing else. */
export interface ExportTarget {
  /** files DuckDB may create (an export's output) */
  files: string[];
  /** folders DuckDB may write into (an export's scratch space) */
  directories?: string[];
}

/**
 * A DuckDB chunk of a result (≤ 2,048 rows), each row turned into plain JS values when asked
 * for: a row's values then die young, where a whole chunk's would outlive a garbage collection
 * or two and pile up in the old generation until a full one.
 */
export interface RowChunk {
  readonly rowCount: number;
  row(index: number): unknown[];
}

/** Rows of a query, a chunk at a time, as the caller reads them. */
export interface RowStream {
  columns: string[];
  chunks: AsyncIterable<RowChunk>;
}

/**
 * SQL that reaches past the store although external access is off: enable_logging can point
 * DuckDB's log at a file (the instance then fails every later statement, and aborts the process
 * when it closes), and query() and json_execute_serialized_sql run SQL built from strings, so a
 * name pieced together would hide the call from a check like this one.
 */
const UNSAFE_CALLS: [RegExp, string][] = [
  [/\benable_logging\b/i, 'enable_logging changes where DuckDB writes its log'],
  [/\bjson_execute_serialized_sql\b/i, 'json_execute_serialized_sql runs SQL built from strings'],
  [/\bquery["\s]*(?:(?:\/\*[\s\S]*?\*\/|--[^\n]*(?:\n|$))["\s]*)*\(/i, 'query() runs SQL built from strings'],
];

const REFUSAL_HINT = "(sonde query reads the store only; use 'sonde export' to write files)";

export class StoreReader {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    private readonly scratch: string,
  ) {}

  /** Opens the store for reading, with external access off: the way to read it (queries, reports, a dashboard). */
  static async open(path: string, tuning: ReaderTuning = {}): Promise<StoreReader> {
    return StoreReader.openLocked(path, null, tuning);
  }

  /**
   * Opens the store for `sonde export`'s own COPY statements: locked down like open(), except that
   * DuckDB may write the target's files. Only for SQL that sonde writes, never for a user's.
   */
  static async openForExport(path: string, target: ExportTarget): Promise<StoreReader> {
    return StoreReader.openLocked(path, target);
  }

  private static async openLocked(path: string, target: ExportTarget | null, tuning: ReaderTuning = {}): Promise<StoreReader> {
    if (!existsSync(path)) throw new StoreError(`no database at '${path}': run 'sonde analyze FILE' first, or give --db PATH`);
    // a read-only store may sit in a read-only folder, where DuckDB's default (path.tmp) cannot be made
    const scratch = mkdtempSync(join(tmpdir(), 'sonde-read-'));
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, {
        access_mode: 'READ_ONLY',
        memory_limit: tuning.memoryLimit ?? READ_MEMORY_LIMIT,
        threads: String(tuning.threads ?? READ_THREADS),
        temp_directory: scratch,
        autoinstall_known_extensions: 'false',
        autoload_known_extensions: 'false',
        allow_community_extensions: 'false',
      });
    } catch (e) {
      rmSync(scratch, { recursive: true, force: true });
      const msg = firstLine(e);
      if (/lock/i.test(msg)) throw new StoreError(`the database '${path}' is being written by a running 'sonde analyze': wait for it to finish`);
      throw new StoreError(`cannot open the database '${path}': ${msg}`);
    }
    const connection = await instance.connect();
    const reader = new StoreReader(instance, connection, scratch);
    try {
      const allowed: string[] = [];
      if (target) {
        const list = (xs: string[]): string => `[${xs.map(quoteLiteral).join(', ')}]`;
        allowed.push(`SET allowed_paths = ${list(target.files.map((f) => resolve(f)))}`);
        if (target.directories?.length) allowed.push(`SET allowed_directories = ${list(target.directories.map((d) => resolve(d) + '/'))}`);
      }
      await connection.run([...allowed, 'SET enable_external_access = false'].join('; '));
      await reader.presentRuns();
      await connection.run('SET lock_configuration = true');
    } catch (e) {
      reader.close();
      throw new StoreError(`cannot open the database '${path}': ${firstLine(e)}`);
    }
    return reader;
  }

  /**
   * A reader cannot mark a dead run (the file is read-only), so `runs` is shown through a view in
   * which a run left 'running' by a process of this host that is gone reads as 'interrupted', as
   * the next writer will mark it. Runs of other hosts are left as they are: their process cannot
   * be checked from here.
   */
  private async presentRuns(): Promise<void> {
    const columns = await this.connection.runAndReadAll("SELECT column_name FROM duckdb_columns() WHERE table_name = 'runs' AND database_name = current_database() AND schema_name = 'main'");
    const names = new Set(columns.getRows().map((r) => String(r[0])));
    if (!names.has('status')) return;
    const dead: bigint[] = [];
    if (names.has('pid') && names.has('probe')) {
      const running = await this.connection.runAndReadAll("SELECT run_id, pid, probe FROM runs WHERE status = 'running'");
      for (const [runId, pid, probe] of running.getRows()) {
        if (probe === hostname() && typeof pid === 'bigint' && !processAlive(Number(pid))) dead.push(runId as bigint);
      }
    }
    const db = String((await this.connection.runAndReadAll('SELECT current_database()')).getRows()[0]![0]);
    const status = dead.length === 0 ? 'status' : `CASE WHEN run_id IN (${dead.join(', ')}) THEN 'interrupted' ELSE status END`;
    // a temporary view is found before the store's table of the same name
    await this.connection.run(`CREATE TEMPORARY VIEW runs AS SELECT * REPLACE (${status} AS status) FROM ${quoteIdent(db)}.main.runs`);
  }

  /** Runs SQL with bound values and reads all of its rows: for results known to be small. */
  async query(sql: string, values: DuckDBValue[] = []): Promise<{ columns: string[]; rows: unknown[][] }> {
    const stream = await this.stream(sql, values);
    const rows: unknown[][] = [];
    for await (const chunk of stream.chunks) for (let i = 0; i < chunk.rowCount; i++) rows.push(chunk.row(i));
    return { columns: stream.columns, rows };
  }

  /** Runs SQL with bound values; its rows come as the caller reads them, a chunk at a time. */
  async stream(sql: string, values: DuckDBValue[] = []): Promise<RowStream> {
    const unsafe = UNSAFE_CALLS.find(([pattern]) => pattern.test(sql));
    if (unsafe) throw new StoreError(`query refused: ${unsafe[1]} ${REFUSAL_HINT}`);
    return streamRows(this.connection, sql, values);
  }

  /**
   * Flow records (analyze's JSON shape, every protocol table as a key, null when the flow has no
   * row there), oldest first. Read a page of flows at a time, each protocol table on its own: one
   * query joining all of them holds a hash table and column buffers per table, more memory than
   * a reader has, however few flows it returns.
   */
  async *records(where = 'TRUE', values: DuckDBValue[] = []): AsyncGenerator<Record<string, unknown>> {
    const flows = storedTables()[0]!;
    const features = storedTables()[FEATURES_INDEX]!;
    const protocols = protocolTables();
    const pages = await this.flowPages(where, values, RECORD_PAGE_FLOWS);
    const present = await this.tablesWithRows(protocols);
    // the statistical features are in the records when some run stored them (--store-features)
    const order = (await this.hasFeatures()) ? [...KEY_COLUMNS.map((c) => c.name), ...recordFieldOrder()] : null;
    const featureSql = `SELECT f.flow_id, ${selectList('f', features.columns, true)} FROM ${quoteIdent(features.name)} f WHERE f.flow_id BETWEEN $1 AND $2`;
    const lo = `$${values.length + 1}`;
    const hi = `$${values.length + 2}`;
    const flowSql = `SELECT ${selectList('f', [...KEY_COLUMNS, ...flows!.columns], true)} FROM flows f WHERE (${where}) AND f.flow_id BETWEEN ${lo} AND ${hi} ORDER BY f.flow_id`;
    const protocolSql = present.map((t) => `SELECT f.flow_id, ${selectList('f', t.columns, true)} FROM ${quoteIdent(t.name)} f WHERE f.flow_id BETWEEN $1 AND $2`);
    for (const range of pages) {
      // one after the other: a connection's next query ends the stream of the one before
      const byTable: [string, Map<unknown, Record<string, unknown>>][] = [];
      for (const [i, t] of present.entries()) byTable.push([t.name, await this.objectsByFlow(protocolSql[i]!, range, t.columns)]);
      const featureRows = order ? await this.objectsByFlow(featureSql, range, features.columns) : null;
      const page = await this.stream(flowSql, [...values, ...range]);
      for await (const chunk of page.chunks) {
        for (let r = 0; r < chunk.rowCount; r++) {
          const row = chunk.row(r);
          let record: Record<string, unknown> = {};
          page.columns.forEach((c, i) => (record[c] = row[i]));
          if (order) {
            // in the records' own field order, null where the flow's run stored no features
            const f = featureRows!.get(record['flow_id']);
            const ordered: Record<string, unknown> = {};
            for (const name of order) ordered[name] = name in record ? record[name] : (f?.[name] ?? null);
            record = ordered;
          }
          for (const t of protocols) record[t.name] = null;
          for (const [name, objects] of byTable) record[name] = objects.get(record['flow_id']) ?? null;
          yield record;
        }
      }
    }
  }

  /** The flows that pass `where` (over flows f), in flow_id order, cut in ranges of `size` flows: [first, last] flow_id. */
  async flowPages(where: string, values: DuckDBValue[], size: number): Promise<[bigint, bigint][]> {
    const r = await this.query(
      `SELECT min(flow_id), max(flow_id) FROM (SELECT f.flow_id, (row_number() OVER (ORDER BY f.flow_id) - 1) // ${size} AS page FROM flows f WHERE ${where}) GROUP BY page ORDER BY 1`,
      values,
    );
    return r.rows.map(([first, last]) => [BigInt(first as number | string), BigInt(last as number | string)]);
  }

  /** the protocol tables that have any rows (most of a store's are empty) */
  /** whether the store has flow_features rows (a run with --store-features) */
  async hasFeatures(): Promise<boolean> {
    const name = storedTables()[FEATURES_INDEX]!.name;
    const r = await this.query("SELECT count(*) FROM duckdb_tables() WHERE table_name = $1 AND schema_name = 'main' AND database_name = current_database()", [name]);
    if (Number(r.rows[0]?.[0] ?? 0) === 0) return false;
    return (await this.tablesWithRows([storedTables()[FEATURES_INDEX]!])).length > 0;
  }

  private async tablesWithRows(tables: TableDef[]): Promise<TableDef[]> {
    if (tables.length === 0) return [];
    const r = await this.query(tables.map((t) => `SELECT ${quoteLiteral(t.name)} FROM (SELECT 1 FROM ${quoteIdent(t.name)} LIMIT 1)`).join(' UNION ALL '));
    const names = new Set(r.rows.map((row) => row[0]));
    return tables.filter((t) => names.has(t.name));
  }

  /** a protocol table's rows in a flow range, as objects keyed by flow_id */
  private async objectsByFlow(sql: string, range: bigint[], columns: ColumnDef[]): Promise<Map<unknown, Record<string, unknown>>> {
    const out = new Map<unknown, Record<string, unknown>>();
    const r = await this.stream(sql, range);
    for await (const chunk of r.chunks) {
      for (let r = 0; r < chunk.rowCount; r++) {
        const row = chunk.row(r);
        const o: Record<string, unknown> = {};
        columns.forEach((c, i) => (o[c.name] = row[i + 1]));
        out.set(row[0], o);
      }
    }
    return out;
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
    rmSync(this.scratch, { recursive: true, force: true });
  }
}

function selectList(alias: string, columns: readonly ColumnDef[], epochSeconds: boolean): string {
  return columns.map((c) => `${column(alias, c, epochSeconds)} AS ${quoteIdent(c.name)}`).join(', ');
}

/** a column, timestamps as epoch seconds when `epochSeconds` (the flow records' form) */
function column(alias: string, c: ColumnDef, epochSeconds: boolean): string {
  return epochSeconds && c.kind === 'timestamp' ? `epoch_us(${alias}.${quoteIdent(c.name)}) / 1e6` : `${alias}.${quoteIdent(c.name)}`;
}

/**
 * SELECT of flows (aliased f, filtered by `where`) with each protocol table nested as a struct
 * column named after it, ordered by flow_id (parquet export). Each protocol table is first folded
 * to one row per flow (a UNION ALL of all of them, grouped): DuckDB then holds one hash table
 * instead of one per protocol table.
 */
export function recordQuery(where: string, range: { lo: string; hi: string } | null = null, withFeatures = false): string {
  const flows = storedTables()[0]!;
  const features = storedTables()[FEATURES_INDEX]!;
  const protocols = protocolTables();
  const inRange = (alias: string): string => (range ? `${alias}.flow_id BETWEEN ${range.lo} AND ${range.hi}` : 'TRUE');
  // with features (flow_features, LEFT JOINed as ff), the columns in the records' field order
  const featureNames = new Set(features.columns.map((c) => c.name));
  const scalars = withFeatures ? recordFieldOrder() : flows.columns.map((c) => c.name);
  const select = [...KEY_COLUMNS.map((c) => c.name), ...scalars].map((n) => `${featureNames.has(n) ? 'ff' : 'f'}.${quoteIdent(n)}`);
  const from = withFeatures ? `flows f LEFT JOIN ${quoteIdent(features.name)} ff ON ff.flow_id = f.flow_id` : 'flows f';
  if (protocols.length === 0) return `SELECT ${select.join(', ')} FROM ${from} WHERE (${where}) AND ${inRange('f')} ORDER BY f.flow_id`;
  const branches = protocols.map(
    (t) => `SELECT t.flow_id, struct_pack(${t.columns.map((c) => `${quoteIdent(c.name)} := t.${quoteIdent(c.name)}`).join(', ')}) AS ${quoteIdent(t.name)} FROM ${quoteIdent(t.name)} t WHERE ${inRange('t')}`,
  );
  const folded = `SELECT flow_id, ${protocols.map((t) => `any_value(${quoteIdent(t.name)}) AS ${quoteIdent(t.name)}`).join(', ')} FROM (${branches.join(' UNION ALL BY NAME ')}) GROUP BY flow_id`;
  select.push(...protocols.map((t) => `p.${quoteIdent(t.name)}`));
  return `SELECT ${select.join(', ')} FROM ${from} LEFT JOIN (${folded}) p ON p.flow_id = f.flow_id WHERE (${where}) AND ${inRange('f')} ORDER BY f.flow_id`;
}

/** a DuckDB error as one line: refused (what a reader may not do) or failed (anything else) */
function queryError(e: unknown): StoreError {
  const msg = firstLine(e).replace(/^Failed to extract statements: /, '');
  if (/^Permission Error|configuration has been locked|read-only mode|Cannot launch in-memory database/i.test(msg)) {
    return new StoreError(`query refused: ${msg} ${REFUSAL_HINT}`);
  }
  if (/^Out of Memory Error/i.test(msg)) {
    return new StoreError(`query failed: ${msg} (a reader has ${READ_MEMORY_LIMIT} for DuckDB: filter, aggregate or select fewer columns)`);
  }
  return new StoreError(`query failed: ${msg}`);
}

/** DuckDB's JS values → what JSON and our writers expect */
/** SQL that sonde wrote, on any connection (the store's own thread's too), its rows as plain values a chunk at a time. */
export async function streamRows(connection: DuckDBConnection, sql: string, values: DuckDBValue[] = []): Promise<RowStream> {
  let result: DuckDBResult;
  try {
    result = await connection.stream(sql, values);
  } catch (e) {
    throw queryError(e);
  }
  const columns = result.columnNames();
  async function* chunks(): AsyncGenerator<RowChunk> {
    for (;;) {
      let chunk;
      try {
        chunk = await result.fetchChunk();
      } catch (e) {
        throw queryError(e);
      }
      if (!chunk || chunk.rowCount === 0) return;
      const rows = chunk;
      yield { rowCount: rows.rowCount, row: (i) => rows.convertRowValues(i, JSDuckDBValueConverter).map(plain) };
    }
  }
  return { columns, chunks: chunks() };
}

/** every row of a query known to be small, as plain values */
export async function readRows(connection: DuckDBConnection, sql: string, values: DuckDBValue[] = []): Promise<{ columns: string[]; rows: unknown[][] }> {
  const stream = await streamRows(connection, sql, values);
  const rows: unknown[][] = [];
  for await (const chunk of stream.chunks) for (let i = 0; i < chunk.rowCount; i++) rows.push(chunk.row(i));
  return { columns: stream.columns, rows };
}

export function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Date) return v.getTime() / 1000;
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = plain(x);
    return o;
  }
  return v;
}

function firstLine(e: unknown): string {
  return ((e as Error).message ?? String(e)).split('\n')[0]!;
}
