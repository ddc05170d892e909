// What differs between the dashboard's two back ends, DuckDB (the local store) and ClickHouse (the
// tables several probes write), as SQL fragments; the queries (queries.ts) are written once over
// these. DuckDB takes bound parameters. Debian's ClickHouse (18.16) has no query parameters, so
// there a value becomes a literal: only values that filters.ts has already checked reach it
// (numbers, addresses in canonical spelling, names of a closed character set), and each is
// escaped as ClickHouse's string literal grammar requires.

/** Collects a query's values: `$n` placeholders (DuckDB) or literals (ClickHouse). */
export interface Binder {
  /** a value's place in the SQL text */
  value(v: string | number | bigint): string;
  readonly values: (string | number | bigint)[];
}

export interface Dialect {
  readonly name: 'duckdb' | 'clickhouse';
  binder(): Binder;
  /** a stored table: flows, alerts, runs, or a protocol's */
  table(name: string): string;
  /** a stored timestamp column as seconds since the epoch (a double) */
  seconds(column: string): string;
  /** the condition column >= (or <) a time in seconds since the epoch, written so the store can skip what is outside */
  timeAtLeast(b: Binder, column: string, seconds: number): string;
  timeBefore(b: Binder, column: string, seconds: number): string;
  /** a flows condition that lets ClickHouse skip whole day partitions (TRUE in DuckDB) */
  flowDays(b: Binder, from: number | null, to: number | null): string | null;
  /** the text column ends with the value */
  endsWith(column: string, valueSql: string): string;
  /** the list column holds the value */
  listHas(column: string, valueSql: string): string;
  /** the list column holds one of the values */
  listHasAny(column: string, valuesSql: string[]): string;
  /** one row per element of a list column (in a SELECT list) */
  unnest(column: string): string;
  /** a 64-bit id as text (JSON numbers lose precision past 2^53) */
  idText(column: string): string;
  /** the value as a 64-bit integer (for comparing ids) */
  int64(b: Binder, decimal: string): string;
  /** the value as a string literal or parameter */
  textValue(b: Binder, v: string): string;
  /** runs: one row per run with its latest state (ClickHouse keeps a row per revision) */
  runsSource(): string;
  alertsSource(): string;
}

class DuckDbBinder implements Binder {
  readonly values: (string | number | bigint)[] = [];
  value(v: string | number | bigint): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

export const duckDbDialect: Dialect = {
  name: 'duckdb',
  binder: () => new DuckDbBinder(),
  table: (name) => `"${name.replace(/"/g, '""')}"`,
  seconds: (c) => `epoch(${c})`,
  // make_timestamp(BIGINT microseconds) is a TIMESTAMP like the column: its row groups' min/max then apply
  timeAtLeast: (b, c, s) => `${c} >= make_timestamp(CAST(${b.value(BigInt(Math.round(s * 1e6)))} AS BIGINT))`,
  timeBefore: (b, c, s) => `${c} < make_timestamp(CAST(${b.value(BigInt(Math.round(s * 1e6)))} AS BIGINT))`,
  flowDays: () => null,
  endsWith: (c, v) => `ends_with(${c}, ${v})`,
  listHas: (c, v) => `list_contains(${c}, ${v})`,
  listHasAny: (c, vs) => `list_has_any(${c}, [${vs.join(', ')}])`,
  unnest: (c) => `unnest(${c})`,
  idText: (c) => `CAST(${c} AS VARCHAR)`,
  int64: (b, d) => `CAST(${b.value(d)} AS BIGINT)`,
  textValue: (b, v) => b.value(v),
  runsSource: () => 'runs',
  alertsSource: () => 'alerts',
};

/** A ClickHouse string literal: backslash and quote escaped, control characters as escapes. */
export function clickHouseString(v: string): string {
  // eslint-disable-next-line no-control-regex
  return `'${v.replace(/[\\']/g, (c) => `\\${c}`).replace(/[\x00-\x1f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`;
}

class ClickHouseLiterals implements Binder {
  readonly values: (string | number | bigint)[] = [];
  value(v: string | number | bigint): string {
    this.values.push(v);
    if (typeof v === 'bigint') return `toInt64(${v.toString()})`;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new Error('a query value is not a finite number');
      return String(v);
    }
    return clickHouseString(v);
  }
}

export interface ClickHouseTables {
  /** the database holding sonde's tables */
  database: string;
  /** read the Distributed tables (name_all) of a cluster rather than one server's */
  distributed: boolean;
}

export function clickHouseDialect(t: ClickHouseTables): Dialect {
  const table = (name: string): string => `${t.database}.${name}${t.distributed ? '_all' : ''}`;
  return {
    name: 'clickhouse',
    binder: () => new ClickHouseLiterals(),
    table,
    seconds: (c) => c,
    timeAtLeast: (b, c, s) => `${c} >= ${b.value(s)}`,
    timeBefore: (b, c, s) => `${c} < ${b.value(s)}`,
    flowDays: (b, from, to) => {
      const parts: string[] = [];
      if (from !== null) parts.push(`day >= toDate(toDateTime(${b.value(Math.max(0, Math.floor(from)))}))`);
      if (to !== null) parts.push(`day <= toDate(toDateTime(${b.value(Math.max(0, Math.min(4294967295, Math.floor(to))))}))`);
      return parts.length ? parts.join(' AND ') : null;
    },
    endsWith: (c, v) => `endsWith(${c}, ${v})`,
    listHas: (c, v) => `has(${c}, ${v})`,
    listHasAny: (c, vs) => `hasAny(${c}, [${vs.join(', ')}])`,
    unnest: (c) => `arrayJoin(${c})`,
    idText: (c) => `toString(${c})`,
    int64: (b, d) => b.value(BigInt(d)),
    textValue: (b, v) => b.value(v),
    // the newest revision of each run and alert (ReplacingMergeTree merges them in time)
    runsSource: () => `(SELECT * FROM ${table('runs')} FINAL)`,
    alertsSource: () => `(SELECT * FROM ${table('alerts')} FINAL)`,
  };
}
