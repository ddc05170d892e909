import { existsSync } from 'node:fs';
import { DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { KEY_COLUMNS, storedTables } from '../tables.js';
import { quoteIdent } from './store.js';

// Reading the store: SQL from the user, built-in reports, and flow records rebuilt in the shape
// `sonde analyze --format jsonl` prints (protocol tables nested back as objects). Every value that
// comes from a user is a bound parameter; column names are checked against the schema.

export class StoreError extends Error {}

export class StoreReader {
  private constructor(private readonly instance: DuckDBInstance, readonly connection: DuckDBConnection) {}

  static async open(path: string): Promise<StoreReader> {
    if (!existsSync(path)) throw new StoreError(`no database at '${path}': run 'sonde analyze FILE' first, or give --db PATH`);
    try {
      const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
      return new StoreReader(instance, await instance.connect());
    } catch (e) {
      const msg = firstLine(e);
      if (/lock/i.test(msg)) throw new StoreError(`the database '${path}' is being written by a running 'sonde analyze': wait for it to finish`);
      throw new StoreError(`cannot open the database '${path}': ${msg}`);
    }
  }

  /** Runs SQL with bound values; column names and rows as plain JS values (bigint → number when exact). */
  async query(sql: string, values: DuckDBValue[] = []): Promise<{ columns: string[]; rows: unknown[][] }> {
    try {
      const r = await this.connection.runAndReadAll(sql, values);
      return { columns: r.columnNames(), rows: r.getRowsJS().map((row) => row.map(plain)) };
    } catch (e) {
      throw new StoreError(`query failed: ${firstLine(e)}`);
    }
  }

  /** Flow records (analyze's JSON shape), a page at a time, oldest first. */
  async *records(where = 'TRUE', values: DuckDBValue[] = []): AsyncGenerator<Record<string, unknown>> {
    const sql = recordQuery(where, true);
    let result;
    try {
      result = await this.connection.stream(sql, values);
    } catch (e) {
      throw new StoreError(`query failed: ${firstLine(e)}`);
    }
    for await (const rows of result.yieldRowObjectJs()) {
      for (const row of rows) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(row)) out[k] = plain(v);
        yield out;
      }
    }
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/**
 * SELECT of flows (aliased f, filtered by `where`) with each protocol table nested as a struct
 * column named after it. `epochSeconds`: timestamps as seconds, as the flow records have them.
 */
export function recordQuery(where: string, epochSeconds: boolean): string {
  const [flows, ...protocols] = storedTables();
  const col = (alias: string, name: string, kind: string): string =>
    epochSeconds && kind === 'timestamp' ? `epoch_us(${alias}.${quoteIdent(name)}) / 1e6` : `${alias}.${quoteIdent(name)}`;
  const select = [...KEY_COLUMNS, ...flows!.columns].map((c) => `${col('f', c.name, c.kind)} AS ${quoteIdent(c.name)}`);
  const joins: string[] = [];
  protocols.forEach((t, i) => {
    const a = `p${i}`;
    select.push(`CASE WHEN ${a}.flow_id IS NULL THEN NULL ELSE struct_pack(${t.columns.map((c) => `${quoteIdent(c.name)} := ${col(a, c.name, c.kind)}`).join(', ')}) END AS ${quoteIdent(t.name)}`);
    joins.push(`LEFT JOIN ${quoteIdent(t.name)} ${a} ON ${a}.flow_id = f.flow_id`);
  });
  return `SELECT ${select.join(', ')} FROM flows f ${joins.join(' ')} WHERE ${where} ORDER BY f.flow_id`;
}

/** DuckDB's JS values → what JSON and our writers expect */
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
