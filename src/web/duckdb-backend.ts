import { availableParallelism } from 'node:os';
import { StoreReader } from '../storage/duckdb/reader.js';
import { type ThreadedDuckDbStore } from '../storage/duckdb/threaded-store.js';
import { protocolTables } from '../storage/tables.js';
import { duckDbDialect } from './dialect.js';
import { type QueryBackend, type Row } from './queries.js';

// The dashboard over a DuckDB store: a file no one writes, opened read-only with external access
// off (StoreReader), or the store a running `sonde live --serve` / `analyze --serve` writes,
// asked through its store thread (DuckDB lets one process hold the file, so the writer serves).
// One connection answers one query at a time, so requests queue here.

/** DuckDB's memory for the dashboard: sorts of a million flows by bytes fit without spilling */
const SERVE_MEMORY_LIMIT = '400MB';

export class DuckDbBackend implements QueryBackend {
  readonly dialect = duckDbDialect;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly protocolNames = new Set(protocolTables().map((t) => t.name));

  private constructor(
    private readonly query: (sql: string, values: (string | number | bigint)[]) => Promise<{ columns: string[]; rows: unknown[][] }>,
    private readonly release: () => void,
  ) {}

  static async open(path: string): Promise<DuckDbBackend> {
    const reader = await StoreReader.open(path, { threads: Math.min(2, availableParallelism()), memoryLimit: SERVE_MEMORY_LIMIT });
    return new DuckDbBackend((sql, values) => reader.query(sql, values), () => reader.close());
  }

  /** the store a run is writing, read on its store thread's second connection */
  static overWriter(store: ThreadedDuckDbStore): DuckDbBackend {
    return new DuckDbBackend((sql, values) => store.read(sql, values), () => undefined);
  }

  rows(sql: string, values: (string | number | bigint)[]): Promise<Row[]> {
    const run = async (): Promise<Row[]> => {
      const { columns, rows } = await this.query(sql, values);
      return rows.map((r) => {
        const o: Row = {};
        for (let i = 0; i < columns.length; i++) o[columns[i]!] = r[i];
        return o;
      });
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async protocolTables(): Promise<string[]> {
    // every protocol table the store has: one without the flow costs a look at its zone maps
    const rows = await this.rows("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND database_name = current_database()", []);
    return rows.map((r) => String(r.table_name)).filter((t) => this.protocolNames.has(t)).sort();
  }

  private readonly columnCache = new Map<string, { name: string; timestamp: boolean; list: boolean }[]>();

  async columns(table: string): Promise<{ name: string; timestamp: boolean; list: boolean }[]> {
    const known = this.columnCache.get(table);
    if (known) return known;
    const rows = await this.rows("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = $1 AND schema_name = 'main' AND database_name = current_database() ORDER BY column_index", [table]);
    const cols = rows.map((r) => ({ name: String(r.column_name), timestamp: String(r.data_type).startsWith('TIMESTAMP'), list: String(r.data_type).endsWith('[]') }));
    this.columnCache.set(table, cols);
    return cols;
  }

  async close(): Promise<void> {
    await this.queue;
    this.release();
  }
}
