import { type ColumnKind, KEY_COLUMNS, storedTables } from '../tables.js';

// The ClickHouse layout of the stored tables (storage/tables.ts), and the TabSeparated text of
// their rows. Every type and clause here is one that Debian's clickhouse-server 18.16 and current
// ClickHouse both accept: no IPv4/IPv6, DateTime64, LowCardinality, TTL or query parameters, no
// Nullable inside Array. Partitions are days, so retention drops whole days (dropPartitionsBefore).

/** ClickHouse has no NULL for arrays (Nullable(Array) does not exist), so an absent list is []. */
export function clickHouseType(kind: ColumnKind, nullable: boolean): string {
  const scalar = (t: string): string => (nullable ? `Nullable(${t})` : t);
  switch (kind) {
    case 'text':
      return scalar('String');
    case 'int':
      return scalar('Int64');
    case 'double':
    case 'timestamp': // seconds since the epoch, as in the flow records; flows also get `ts DateTime`
      return scalar('Float64');
    case 'bool':
      return scalar('UInt8');
    case 'text[]':
      return 'Array(String)';
    case 'int[]':
      return 'Array(Int64)';
    case 'double[]':
      return 'Array(Float64)';
  }
}

export interface ChColumn {
  name: string;
  type: string;
}

/** One table as created in ClickHouse, with the kinds of the data columns its rows carry. */
export interface ChTable {
  name: string;
  columns: ChColumn[];
  /** kinds of the values in FlowRows (flows: rows.flow; protocol tables: their values), in order */
  valueKinds: ColumnKind[];
  engine: string;
}

/** Columns every flow and protocol row gets after its values; they are never flow fields. */
const HOUSEKEEPING = ['probe', 'day', 'ts', 'batch_id'];

/** Table name suffix of the Distributed tables over a cluster's local tables. */
export const DISTRIBUTED_SUFFIX = '_all';

/**
 * flows, then one table per protocol, in storedTables() order (FlowRows' table numbers index this
 * list too). Columns: run_id, flow_id, probe, the values, day (UTC day of first_seen, the
 * partition), [flows: ts = first_seen as DateTime], batch_id (see sink.ts: exactly once).
 *
 * Every value column is Nullable whatever the field declares: a null where the declaration says
 * none would otherwise make ClickHouse reject the whole batch, forever (the spool would keep it).
 */
export function flowTables(): ChTable[] {
  return storedTables().map((t, i) => {
    for (const c of t.columns) {
      if (HOUSEKEEPING.includes(c.name)) throw new Error(`stored table '${t.name}': column '${c.name}' collides with a ClickHouse housekeeping column`);
    }
    const isFlows = i === 0;
    return {
      name: t.name,
      columns: [
        ...KEY_COLUMNS.map((c) => ({ name: c.name, type: clickHouseType(c.kind, false) })),
        { name: 'probe', type: 'String' },
        ...t.columns.map((c) => ({ name: c.name, type: clickHouseType(c.kind, true) })),
        { name: 'day', type: 'Date' },
        ...(isFlows ? [{ name: 'ts', type: 'DateTime' }] : []),
        { name: 'batch_id', type: 'String' },
      ],
      valueKinds: t.columns.map((c) => c.kind),
      // protocol rows are read by flow_id (joined to flows); flows by time
      engine: `MergeTree PARTITION BY day ORDER BY ${isFlows ? '(day, ts, flow_id)' : '(day, flow_id)'}`,
    };
  });
}

/**
 * One row when a run begins (revision 0) and one when it ends (revision 1). ReplacingMergeTree keeps
 * the highest revision per (probe, run_id) when it merges; until then read with
 * `SELECT … FROM runs FINAL` or `argMax(status, revision) … GROUP BY probe, run_id`. A row sent
 * twice (a retry) is therefore harmless, and runs need no batch_id. Run ids are unique per probe
 * only (each probe numbers its own runs), hence the key.
 */
export const RUNS_TABLE: ChTable = {
  name: 'runs',
  columns: [
    { name: 'run_id', type: 'Int64' },
    { name: 'probe', type: 'String' },
    { name: 'inputs', type: 'Array(String)' },
    { name: 'started_at', type: 'Float64' },
    { name: 'ended_at', type: 'Nullable(Float64)' },
    { name: 'status', type: 'String' },
    { name: 'packets', type: 'Int64' },
    { name: 'bytes', type: 'Int64' },
    { name: 'flows', type: 'Int64' },
    /** flows of the run still in the spool directory when it ended: they arrive when replayed */
    { name: 'flows_spooled', type: 'Int64' },
    { name: 'sonde_version', type: 'String' },
    { name: 'revision', type: 'UInt8' },
  ],
  valueKinds: [],
  engine: 'ReplacingMergeTree(revision) ORDER BY (probe, run_id)',
};

/**
 * Flood and scan alerts (detect/alert.ts), one row as an alert starts (revision 0) and one as it
 * ends (revision 1), merged like runs: read with FINAL or argMax(…, revision). alert_id is the
 * DuckDB store's (run_id << 32 plus the alert's number in the run); start_time and end_time are
 * seconds since the epoch like the flows' times, day (of start_time) the partition.
 */
export const ALERTS_TABLE: ChTable = {
  name: 'alerts',
  columns: [
    { name: 'run_id', type: 'Int64' },
    { name: 'alert_id', type: 'Int64' },
    { name: 'probe', type: 'String' },
    { name: 'kind', type: 'String' },
    { name: 'target', type: 'String' },
    { name: 'protocol', type: 'String' },
    { name: 'start_time', type: 'Float64' },
    { name: 'end_time', type: 'Float64' },
    { name: 'packets', type: 'Int64' },
    { name: 'bytes', type: 'Int64' },
    { name: 'peak_pps', type: 'Int64' },
    { name: 'peak_bps', type: 'Int64' },
    { name: 'sources', type: 'Int64' },
    { name: 'destinations', type: 'Int64' },
    { name: 'ports', type: 'Int64' },
    { name: 'top_sources', type: 'Array(String)' },
    { name: 'evidence', type: 'String' },
    { name: 'ongoing', type: 'UInt8' },
    { name: 'day', type: 'Date' },
    { name: 'ts', type: 'DateTime' },
    { name: 'revision', type: 'UInt8' },
  ],
  valueKinds: [],
  engine: 'ReplacingMergeTree(revision) PARTITION BY day ORDER BY (probe, run_id, alert_id)',
};

export const quoteIdentifier = (name: string): string => '`' + name.replace(/\\/g, '\\\\').replace(/`/g, '\\`') + '`';
/** A string literal in a query (ClickHouse escapes strings with backslashes, as in TSV). */
export const quoteString = (s: string): string => `'${escapeText(s)}'`;
export const qualified = (database: string, table: string): string => `${quoteIdentifier(database)}.${quoteIdentifier(table)}`;

export function createTableSql(database: string, t: ChTable): string {
  const columns = t.columns.map((c) => `${quoteIdentifier(c.name)} ${c.type}`).join(', ');
  return `CREATE TABLE IF NOT EXISTS ${qualified(database, t.name)} (${columns}) ENGINE = ${t.engine}`;
}

/**
 * `<table>_all` over the cluster's `<table>` on every shard. Rows inserted through it go to the
 * shard chosen by a hash of flow_id (run_id for runs and alerts), so a flow and its protocol rows share a shard.
 */
export function createDistributedSql(database: string, t: ChTable, cluster: string): string {
  const shardingKey = t.name === RUNS_TABLE.name || t.name === ALERTS_TABLE.name ? 'intHash64(run_id)' : 'intHash64(flow_id)';
  return `CREATE TABLE IF NOT EXISTS ${qualified(database, t.name + DISTRIBUTED_SUFFIX)} AS ${qualified(database, t.name)} ` +
    `ENGINE = Distributed(${quoteString(cluster)}, ${quoteString(database)}, ${quoteString(t.name)}, ${shardingKey})`;
}

// TabSeparated text. Strings escape backslash, tab, newline, CR, NUL, backspace, form feed and the
// single quote, exactly as ClickHouse's own writer does, so the same escaping serves TSV fields, the
// quoted elements of arrays (`['a\tb','it\'s']`, which TSV carries unchanged) and string literals
// in queries. Other bytes, non-ASCII included, go as UTF-8.

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0', '\b': '\\b', '\f': '\\f', "'": "\\'" };
export const escapeText = (s: string): string => s.replace(/[\\\t\n\r\0\b\f']/g, (c) => ESCAPES[c]!);

const NULL = '\\N';

const asText = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Int64 text without exponent notation (String(1e21) is '1e+21'); null when not a number. */
function intText(v: unknown): string | null {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.trunc(v)).toString();
  if (typeof v === 'boolean') return v ? '1' : '0';
  return null;
}

/** ClickHouse reads nan, inf and -inf; JavaScript writes NaN and Infinity. */
function floatText(v: unknown): string | null {
  if (typeof v !== 'number') return null;
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return String(v);
}

/** One value as a TSV field. Null elements of a list become '' / 0 / nan (no Nullable in Array). */
export function tsvField(kind: ColumnKind, v: unknown): string {
  if (kind.endsWith('[]')) {
    const list = Array.isArray(v) ? v : [];
    const element = (x: unknown): string => {
      if (kind === 'text[]') return x === null || x === undefined ? "''" : quoteString(asText(x));
      if (kind === 'int[]') return intText(x) ?? '0';
      return floatText(x) ?? 'nan';
    };
    return `[${list.map(element).join(',')}]`;
  }
  if (v === null || v === undefined) return NULL;
  switch (kind) {
    case 'text':
      return escapeText(asText(v));
    case 'int':
      return intText(v) ?? NULL;
    case 'double':
    case 'timestamp':
      return floatText(v) ?? NULL;
    case 'bool':
      return v ? '1' : '0';
    default:
      throw new Error(`unknown column kind '${kind}'`);
  }
}

/** DateTime is a UInt32: its last second is in 2106 */
const LAST_DATETIME_SECOND = 0xffffffff;

/**
 * The UTC day (YYYY-MM-DD) and whole second of a time in seconds, clamped to what Date and
 * DateTime hold (1970 to 2106): a corrupt capture's timestamp must not make a batch unstorable.
 */
export function dayAndSecond(seconds: unknown): { day: string; second: number } {
  const s = typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? Math.min(Math.floor(seconds), LAST_DATETIME_SECOND) : 0;
  return { day: new Date(s * 1000).toISOString().slice(0, 10), second: s };
}
