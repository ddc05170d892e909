import { clickHouseRequest, ClickHouseError } from '../storage/clickhouse/http.js';
import { DISTRIBUTED_SUFFIX } from '../storage/clickhouse/schema.js';
import { protocolTables } from '../storage/tables.js';
import { clickHouseDialect, clickHouseString, type ClickHouseTables } from './dialect.js';
import { type QueryBackend, type Row } from './queries.js';

// The dashboard over ClickHouse: the tables one server holds, or (--cluster) the Distributed
// `_all` tables over the shards that several probes write. Every query is sent with readonly=2:
// the server refuses anything but reading, whatever the SQL says.

export class ServeError extends Error {}

export interface ClickHouseTarget extends ClickHouseTables {
  server: URL;
}

const QUERY_TIMEOUT_MS = 30_000;
/** how long the list of protocol tables that hold rows is reused */
const TABLES_TTL_MS = 10_000;

export function clickHouseTarget(url: string, distributed: boolean): ClickHouseTarget {
  let server: URL;
  try {
    server = new URL(url);
  } catch {
    throw new ServeError(`--clickhouse needs an http:// URL such as http://127.0.0.1:8123/?database=sonde, not '${url}'`);
  }
  // plain http, as the stores' ClickHouse client speaks it (TLS belongs to a proxy in front)
  if (server.protocol !== 'http:') throw new ServeError(`--clickhouse needs an http:// URL such as http://127.0.0.1:8123/?database=sonde, not '${url}'`);
  const database = server.searchParams.get('database') ?? 'sonde';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) throw new ServeError(`the ClickHouse database name '${database}' is not a plain identifier`);
  server.searchParams.delete('database');
  return { server, database, distributed };
}

/** a ClickHouse type whose JSON values are 64-bit integers given as strings */
const INT64 = /^(Nullable\()?(Array\()?U?Int64/;

function plainValue(v: unknown, int64: boolean): unknown {
  if (!int64) return v;
  if (Array.isArray(v)) return v.map((x) => plainValue(x, true));
  if (typeof v === 'string' && /^-?\d+$/.test(v) && Number.isSafeInteger(Number(v))) return Number(v);
  return v;
}

export class ClickHouseBackend implements QueryBackend {
  readonly dialect;
  private tables: { at: number; names: string[] } | null = null;
  private readonly protocolNames = new Set(protocolTables().map((t) => t.name));

  private constructor(private readonly target: ClickHouseTarget) {
    this.dialect = clickHouseDialect(target);
  }

  /** Checks that the server answers and holds sonde's flows table. */
  static async open(target: ClickHouseTarget): Promise<ClickHouseBackend> {
    const b = new ClickHouseBackend(target);
    const flows = `flows${target.distributed ? DISTRIBUTED_SUFFIX : ''}`;
    let found: Row[];
    try {
      found = await b.rows(`SELECT name FROM system.tables WHERE database = ${clickHouseString(target.database)} AND name = ${clickHouseString(flows)}`, []);
    } catch (e) {
      throw new ServeError(`ClickHouse at ${target.server.origin} did not answer: ${(e as Error).message}`);
    }
    if (found.length === 0) {
      throw new ServeError(`ClickHouse at ${target.server.origin} has no table ${target.database}.${flows}: write flows with 'sonde analyze --clickhouse URL'${target.distributed ? ' (with a cluster configured, so the _all tables exist)' : ''}`);
    }
    return b;
  }

  async rows(sql: string, _values: (string | number | bigint)[]): Promise<Row[]> {
    // the values are already literals in the SQL (see dialect.ts)
    let text: string;
    try {
      text = await clickHouseRequest(this.target.server, {
        params: { readonly: '2', output_format_json_quote_64bit_integers: '1', max_execution_time: '30' },
        body: `${sql} FORMAT JSONCompact`,
        timeoutMs: QUERY_TIMEOUT_MS,
      });
    } catch (e) {
      if (e instanceof ClickHouseError) throw new ServeError(`ClickHouse: ${e.message}`);
      throw e;
    }
    const answer = JSON.parse(text) as { meta: { name: string; type: string }[]; data: unknown[][] };
    const ints = answer.meta.map((m) => INT64.test(m.type));
    return answer.data.map((r) => {
      const o: Row = {};
      answer.meta.forEach((m, i) => (o[m.name] = plainValue(r[i], ints[i]!)));
      return o;
    });
  }

  async protocolTables(): Promise<string[]> {
    if (this.tables && performance.now() - this.tables.at < TABLES_TTL_MS) return this.tables.names;
    const db = clickHouseString(this.target.database);
    let names: string[];
    if (this.target.distributed) {
      // a Distributed table's rows are on the shards: take every protocol table that exists
      const rows = await this.rows(`SELECT name FROM system.tables WHERE database = ${db}`, []);
      names = rows.map((r) => String(r.name)).filter((n) => n.endsWith(DISTRIBUTED_SUFFIX)).map((n) => n.slice(0, -DISTRIBUTED_SUFFIX.length));
    } else {
      const rows = await this.rows(`SELECT table AS name, sum(rows) AS n FROM system.parts WHERE database = ${db} AND active GROUP BY table`, []);
      names = rows.filter((r) => Number(r.n) > 0).map((r) => String(r.name));
    }
    names = names.filter((n) => this.protocolNames.has(n)).sort();
    this.tables = { at: performance.now(), names };
    return names;
  }

  private readonly columnCache = new Map<string, { name: string; timestamp: boolean; list: boolean }[]>();

  /** times are stored as seconds (Float64) already: none needs converting */
  async columns(table: string): Promise<{ name: string; timestamp: boolean; list: boolean }[]> {
    const known = this.columnCache.get(table);
    if (known) return known;
    const name = `${table}${this.target.distributed ? DISTRIBUTED_SUFFIX : ''}`;
    const rows = await this.rows(`SELECT name, type FROM system.columns WHERE database = ${clickHouseString(this.target.database)} AND table = ${clickHouseString(name)}`, []);
    const cols = rows.map((r) => ({ name: String(r.name), timestamp: false, list: String(r.type).startsWith('Array(') }));
    this.columnCache.set(table, cols);
    return cols;
  }

  async close(): Promise<void> {}
}
