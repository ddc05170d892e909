import { ALERT_KINDS } from '../detect/alert.js';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type DuckDBValue } from '../storage/duckdb/duckdb-api.js';
import { writeZeekLogs } from '../output/zeek.js';
import { copyFlows } from '../storage/duckdb/export.js';
import { type RowStream, StoreError, StoreReader } from '../storage/duckdb/reader.js';
import { storedTables } from '../storage/tables.js';
import { quoteIdent } from '../storage/duckdb/store.js';
import '../dpi/index.js'; // the dissectors' fields are part of the stored tables
import { choiceOption, durationSeconds, helpText, integerOption, parseArgs, type OptionSpec, type ParsedArgs, UsageError } from './args.js';
import { InputError } from './input.js';
import { DEFAULT_DB } from './stores.js';
import { LineWriter } from './writer.js';

// `sonde query`, `sonde top`, `sonde flows`, `sonde export`: reading the DuckDB store. User values
// (applications, hosts, --where values, durations) are bound parameters, never pasted into SQL;
// field names are checked against the stored schema.

const DB_OPTION: OptionSpec = { name: 'db', value: true, valueName: 'PATH', help: `the DuckDB store (default ./${DEFAULT_DB})` };
const HELP: OptionSpec = { name: 'help', short: 'h', value: false, help: 'show this help' };
const FORMAT_TABLE: OptionSpec = {
  name: 'format', short: 'f', value: true, valueName: 'table|csv|json',
  help: 'output format (default table: column widths from the first 2,048 rows, cells cut at 60 characters)',
};
const SINCE: OptionSpec = { name: 'since', value: true, valueName: 'DURATION', help: 'only flows that started within DURATION (30s, 15m, 1h, 7d) before the newest flow in the store' };
const WHERE: OptionSpec = {
  name: 'where', value: true, valueName: 'FIELD=VALUE',
  help: 'only flows whose FIELD equals VALUE, or holds it for a list field such as risks (repeatable; FIELD is any flow field, e.g. protocol=DNS)',
};
const LIMIT: OptionSpec = { name: 'limit', short: 'n', value: true, valueName: 'N', help: 'rows at most (default 20 for top, 50 for flows)' };

const storePath = (args: ParsedArgs): string => (typeof args.options.get('db') === 'string' ? (args.options.get('db') as string) : DEFAULT_DB);

/** a store's errors are the user's to act on: one line, exit 1 */
async function storeCall<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw e instanceof StoreError ? new InputError(e.message) : e;
  }
}

/** Runs f on the store opened for reading (locked down: see StoreReader), closed after. */
async function withStore<T>(args: ParsedArgs, f: (s: StoreReader) => Promise<T>): Promise<T> {
  const store = await storeCall(() => StoreReader.open(storePath(args)));
  try {
    return await storeCall(() => f(store));
  } finally {
    store.close();
  }
}

// ---- filters shared by top, flows and export ----

const FLOW_COLUMNS = new Map(storedTables()[0]!.columns.map((c) => [c.name, c]));

/** the largest run id (run ids are BIGINT) */
const MAX_RUN_ID = (1n << 63n) - 1n;
/** the most rows --limit takes */
const MAX_LIMIT = 1_000_000_000;

interface Filter {
  sql: string;
  values: DuckDBValue[];
}

/** WHERE clause (over flows aliased f) from --since, --where and the given field=value pairs */
function flowFilter(args: ParsedArgs, whereList: string[], extra: [string, string, 'exact' | 'host'][] = []): Filter {
  const parts: string[] = ['TRUE'];
  const values: DuckDBValue[] = [];
  const bind = (v: DuckDBValue): string => {
    values.push(v);
    return `$${values.length}`;
  };
  const since = args.options.get('since');
  if (typeof since === 'string') {
    const s = durationSeconds(since);
    parts.push(`f.first_seen >= (SELECT max(first_seen) FROM flows) - to_microseconds(CAST(${bind(Math.round(s * 1e6))} AS BIGINT))`);
  }
  for (const w of whereList) {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new UsageError(`option '--where' needs FIELD=VALUE, not '${w}'`);
    extra.push([w.slice(0, eq).trim(), w.slice(eq + 1), 'exact']);
  }
  for (const [field, value, how] of extra) {
    if (!FLOW_COLUMNS.has(field)) throw new UsageError(`unknown flow field '${field}' (fields: see docs/flow-schema.md)`);
    const col = `CAST(f.${quoteIdent(field)} AS VARCHAR)`;
    if (FLOW_COLUMNS.get(field)!.kind.endsWith('[]')) {
      // a list field matches when one of its elements is the value
      parts.push(`list_contains(CAST(f.${quoteIdent(field)} AS VARCHAR[]), ${bind(value)})`);
    } else if (how === 'host') {
      // a host name or any name under it (www.example.org matches example.org)
      const v = bind(value.toLowerCase());
      parts.push(`(${col} = ${v} OR ends_with(${col}, '.' || ${v}))`);
    } else {
      parts.push(`${col} = ${bind(value)}`);
    }
  }
  return { sql: parts.join(' AND '), values };
}

/** every value of a repeatable option, in order */
function repeated(argv: string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${name}` && i + 1 < argv.length) out.push(argv[++i]!);
    else if (argv[i]!.startsWith(`--${name}=`)) out.push(argv[i]!.slice(name.length + 3));
  }
  return out;
}

// ---- output ----

/**
 * Writes a query's rows to standard output as they come, a chunk at a time: writes block while
 * the output is full (a slow pipe holds back the reading), and a reader that went away (`| head`)
 * ends the query quietly.
 */
async function printStream(stream: RowStream, format: 'table' | 'csv' | 'json'): Promise<void> {
  const out = LineWriter.toStdout(STREAM_FLUSH_BYTES);
  const { columns } = stream;
  const text = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const csvCell = (v: unknown): string => {
    const s = text(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const tableCell = (v: unknown): string => {
    const s = typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : text(v);
    return s.length > TABLE_CELL_MAX ? s.slice(0, TABLE_CELL_MAX - 1) + '…' : s;
  };
  // table layout, from the first chunk: later rows cannot move the columns already printed
  let widths: number[] | null = null;
  let numeric: boolean[] = [];
  const tableLine = (cells: string[]): string => cells.map((c, i) => c[numeric[i] ? 'padStart' : 'padEnd'](widths![i]!)).join('  ').trimEnd();
  let rowsOut = 0;
  try {
    if (format === 'csv') out.write(columns.map(csvCell).join(',') + '\n');
    for await (const chunk of stream.chunks) {
      if (format === 'table' && widths === null) {
        const rows = Array.from({ length: chunk.rowCount }, (_, i) => chunk.row(i));
        const cells = rows.map((r) => r.map(tableCell));
        widths = columns.map((c, i) => Math.min(TABLE_CELL_MAX, Math.max(c.length, ...cells.map((r) => r[i]!.length))));
        numeric = columns.map((_, i) => rows.every((r) => r[i] === null || typeof r[i] === 'number'));
        out.write(tableLine(columns) + '\n');
        for (const r of cells) out.write(tableLine(r) + '\n');
      } else {
        for (let i = 0; i < chunk.rowCount; i++) {
          const r = chunk.row(i);
          if (format === 'json') out.write(JSON.stringify(Object.fromEntries(columns.map((c, j) => [c, r[j] ?? null]))) + '\n');
          else if (format === 'csv') out.write(r.map(csvCell).join(',') + '\n');
          else out.write(tableLine(r.map(tableCell)) + '\n');
        }
      }
      rowsOut += chunk.rowCount;
      if (out.closed) break;
    }
    if (format === 'table' && rowsOut === 0) {
      widths = columns.map((c) => c.length);
      out.write(tableLine(columns) + '\n(no rows)\n');
    }
  } finally {
    out.close();
  }
}

/** output written at every 64 KB: text held longer outlives garbage collections and piles up */
const STREAM_FLUSH_BYTES = 1 << 16;

/** the widest table cell; longer values end in … */
const TABLE_CELL_MAX = 60;

// ---- sonde query ----

const QUERY_OPTIONS = [DB_OPTION, FORMAT_TABLE, HELP];
const QUERY_USAGE = `Usage: sonde query "SQL" [--db PATH] [--format table|csv|json]

Runs SQL against the store. Tables: runs, flows, and one per protocol (dns, tls, http, …) joined
by flow_id; see docs/flow-schema.md. The query sees the store only: it cannot read or write other
files, reach the network or load extensions (write files with 'sonde export'). Rows are printed
as they come, so a result of any size streams through.`;

export async function query(argv: string[]): Promise<number> {
  const args = parseArgs(argv, QUERY_OPTIONS, 'query');
  if (args.options.has('help')) return help(QUERY_USAGE, QUERY_OPTIONS);
  if (args.positionals.length !== 1) throw new UsageError(`give one SQL statement in quotes: sonde query "SELECT count(*) FROM flows"`);
  const format = choiceOption(args, 'format', ['table', 'csv', 'json'] as const, 'table');
  await withStore(args, async (s) => printStream(await s.stream(args.positionals[0]!), format));
  return 0;
}

// ---- sonde top ----

const TOP_OPTIONS = [DB_OPTION, SINCE, WHERE, LIMIT, FORMAT_TABLE, HELP];
const TOP_USAGE = `Usage: sonde top applications|hosts|talkers|ports [--since 1h] [--where FIELD=VALUE] [--limit N]

The biggest applications (or protocol where none), server host names, client addresses, or
server ports, by bytes, with flows and packets.`;

const TOP_KEYS: Record<string, { key: string; label: string; where?: string }> = {
  applications: { key: "coalesce(f.application, f.protocol, 'Unknown')", label: 'application' },
  hosts: { key: 'f.hostname', label: 'hostname', where: 'f.hostname IS NOT NULL' },
  talkers: { key: 'f.src', label: 'address' },
  ports: { key: "f.l4 || '/' || f.dport", label: 'port' },
};

export async function top(argv: string[]): Promise<number> {
  const args = parseArgs(argv, TOP_OPTIONS, 'top');
  if (args.options.has('help')) return help(TOP_USAGE, TOP_OPTIONS);
  const what = args.positionals[0];
  const spec = what === undefined ? undefined : TOP_KEYS[what];
  if (!spec || args.positionals.length > 1) throw new UsageError(`say what to rank: sonde top applications|hosts|talkers|ports`);
  const format = choiceOption(args, 'format', ['table', 'csv', 'json'] as const, 'table');
  const limit = integerOption(args, 'limit', 20, 1, MAX_LIMIT);
  const filter = flowFilter(args, repeated(argv, 'where'));
  const sql = `SELECT ${spec.key} AS ${spec.label}, count(*) AS flows, sum(f.packets_c2s + f.packets_s2c) AS packets,
    sum(f.bytes_c2s + f.bytes_s2c) AS bytes FROM flows f WHERE ${filter.sql}${spec.where ? ` AND ${spec.where}` : ''}
    GROUP BY 1 ORDER BY bytes DESC, flows DESC, 1 LIMIT ${limit}`;
  await withStore(args, async (s) => printStream(await s.stream(sql, filter.values), format));
  return 0;
}

// ---- sonde flows ----

const FLOWS_OPTIONS: OptionSpec[] = [
  DB_OPTION,
  { name: 'app', value: true, valueName: 'NAME', help: 'only flows of this application (or protocol), e.g. YouTube, DNS' },
  { name: 'host', value: true, valueName: 'NAME', help: 'only flows to this host name or a name under it' },
  SINCE, WHERE, LIMIT, FORMAT_TABLE, HELP,
];
const FLOWS_USAGE = `Usage: sonde flows [--app NAME] [--host NAME] [--since 1h] [--where FIELD=VALUE] [--limit 50]

The newest flows matching the filters.`;

export async function flows(argv: string[]): Promise<number> {
  const args = parseArgs(argv, FLOWS_OPTIONS, 'flows');
  if (args.options.has('help')) return help(FLOWS_USAGE, FLOWS_OPTIONS);
  if (args.positionals.length > 0) throw new UsageError(`unexpected '${args.positionals[0]}': filters are options (--app, --host, --where)`);
  const format = choiceOption(args, 'format', ['table', 'csv', 'json'] as const, 'table');
  const limit = integerOption(args, 'limit', 50, 1, MAX_LIMIT);
  const extra: [string, string, 'exact' | 'host'][] = [];
  const host = args.options.get('host');
  if (typeof host === 'string') extra.push(['hostname', host, 'host']);
  const filter = flowFilter(args, repeated(argv, 'where'), extra);
  const app = args.options.get('app');
  if (typeof app === 'string') {
    filter.values.push(app);
    filter.sql += ` AND (f.application = $${filter.values.length} OR (f.application IS NULL AND f.protocol = $${filter.values.length}))`;
  }
  const sql = `SELECT strftime(f.first_seen, '%Y-%m-%d %H:%M:%S') AS first_seen, f.l4, f.src, f.sport, f.dst, f.dport,
    f.protocol, f.application, f.hostname, f.packets_c2s + f.packets_s2c AS packets, f.bytes_c2s + f.bytes_s2c AS bytes
    FROM flows f WHERE ${filter.sql} ORDER BY f.first_seen DESC, f.flow_id DESC LIMIT ${limit}`;
  await withStore(args, async (s) => printStream(await s.stream(sql, filter.values), format));
  return 0;
}

// ---- sonde export ----

const ALERTS_OPTIONS: OptionSpec[] = [
  DB_OPTION,
  { name: 'since', value: true, valueName: 'DURATION', help: 'only alerts that started within DURATION (30s, 15m, 1h, 7d) before the newest alert in the store' },
  { name: 'kind', value: true, valueName: 'KIND', help: `only alerts of this kind (${ALERT_KINDS.join(', ')})` },
  { name: 'limit', short: 'n', value: true, valueName: 'N', help: 'rows at most (default 50)' },
  FORMAT_TABLE,
  HELP,
];
const ALERTS_USAGE = `Usage: sonde alerts [--db PATH] [--since 1h] [--kind KIND] [--limit 50]

Lists the flood and scan alerts in the store, newest first (an ongoing one is marked).`;

/** `sonde alerts`: the stored alerts, newest first. */
export async function alerts(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ALERTS_OPTIONS, 'alerts');
  if (args.options.has('help')) return help(ALERTS_USAGE, ALERTS_OPTIONS);
  if (args.positionals.length > 0) throw new UsageError(`unexpected '${args.positionals[0]}': filters are options (--since, --kind)`);
  const format = choiceOption(args, 'format', ['table', 'csv', 'json'] as const, 'table');
  const limit = integerOption(args, 'limit', 50, 1, MAX_LIMIT);
  const parts = ['TRUE'];
  const values: DuckDBValue[] = [];
  const since = args.options.get('since');
  if (typeof since === 'string') {
    values.push(Math.round(durationSeconds(since) * 1e6));
    parts.push(`a.start_time >= (SELECT max(start_time) FROM alerts) - to_microseconds(CAST($${values.length} AS BIGINT))`);
  }
  const kind = args.options.get('kind');
  if (typeof kind === 'string') {
    if (!(ALERT_KINDS as readonly string[]).includes(kind)) throw new UsageError(`option '--kind' must be one of ${ALERT_KINDS.join(', ')}, not '${kind}'`);
    values.push(kind);
    parts.push(`a.kind = $${values.length}`);
  }
  const sql = `SELECT strftime(a.start_time, '%Y-%m-%d %H:%M:%S') AS start, strftime(a.end_time, '%H:%M:%S') AS "end", a.kind, a.target, a.protocol,
    a.packets, a.peak_pps, a.sources, a.ports, a.evidence, a.ongoing
    FROM alerts a WHERE ${parts.join(' AND ')} ORDER BY a.start_time DESC, a.alert_id DESC LIMIT ${limit}`;
  await withStore(args, async (s) => {
    const tables = await s.stream("SELECT 1 FROM duckdb_tables() WHERE table_name = 'alerts'", []);
    let present = false;
    for await (const chunk of tables.chunks) if (chunk.rowCount > 0) present = true;
    if (!present) {
      process.stderr.write(`sonde: the store '${storePath(args)}' has no alerts yet (it was written before detection, or with --no-detect)\n`);
      return;
    }
    await printStream(await s.stream(sql, values), format);
  });
  return 0;
}

const EXPORT_OPTIONS: OptionSpec[] = [
  DB_OPTION,
  { name: 'format', short: 'f', value: true, valueName: 'FORMAT', help: 'jsonl, csv, parquet, zeek (TSV logs in a folder) or zeek-json' },
  { name: 'output', short: 'o', value: true, valueName: 'PATH', help: 'the file to write (a folder for zeek and zeek-json)' },
  { name: 'run', value: true, valueName: 'ID', help: 'only the flows of this run (see the runs table)' },
  SINCE, WHERE, HELP,
];
const EXPORT_USAGE = `Usage: sonde export --format jsonl|csv|parquet|zeek|zeek-json -o PATH [--run ID] [--since 1h] [--where FIELD=VALUE]

jsonl: flow records as 'sonde analyze --format jsonl' prints them; csv and parquet: the flows
table (parquet with the protocol tables nested); zeek: conn.log, dns.log, ssl.log, http.log and
ssh.log in Zeek's TSV format (zeek-cut reads them); zeek-json: the same logs as JSON lines.`;

export async function exportFlows(argv: string[]): Promise<number> {
  const args = parseArgs(argv, EXPORT_OPTIONS, 'export');
  if (args.options.has('help')) return help(EXPORT_USAGE, EXPORT_OPTIONS);
  const format = choiceOption(args, 'format', ['jsonl', 'csv', 'parquet', 'zeek', 'zeek-json'] as const, 'jsonl');
  const output = args.options.get('output');
  if (typeof output !== 'string') throw new UsageError('say where to write: -o PATH (a folder for zeek and zeek-json)');
  const filter = flowFilter(args, repeated(argv, 'where'));
  const run = args.options.get('run');
  if (typeof run === 'string') {
    if (!/^\d+$/.test(run) || BigInt(run) > MAX_RUN_ID) throw new UsageError(`option '--run' needs a run id (a number from the runs table), not '${run}'`);
    filter.values.push(BigInt(run));
    filter.sql += ` AND f.run_id = $${filter.values.length}`;
  }
  const db = storePath(args);
  let written: string;
  if (format === 'zeek' || format === 'zeek-json') {
    makeFolder(output);
    written = await withStore(args, async (s) => {
      const counts = await writeZeekLogs(s.records(filter.sql, filter.values), output, { json: format === 'zeek-json' });
      return Object.entries(counts).filter(([, n]) => n > 0).map(([log, n]) => `${log}.log ${n}`).join(', ');
    });
  } else {
    // the file first: a path that cannot be written is the user's to fix, before any reading
    let writer: LineWriter;
    try {
      writer = LineWriter.toFile(output, STREAM_FLUSH_BYTES);
    } catch (e) {
      throw new InputError(`cannot write '${output}': ${(e as Error).message}`);
    }
    if (format === 'jsonl') {
      written = await withStore(args, async (s) => {
        let n = 0;
        for await (const r of s.records(filter.sql, filter.values)) {
          writer.write(JSON.stringify(r) + '\n');
          n++;
        }
        writer.close();
        return `${n} flows`;
      });
    } else {
      writer.close();
      written = `${await storeCall(() => copyFlows(db, format, filter.sql, filter.values, output))} flows`;
    }
  }
  process.stderr.write(`sonde export: ${written} → ${output}\n`);
  return 0;
}

/**
 * Makes the folder `dir` and any missing parents, one level at a time from the nearest one that
 * exists: Node's recursive mkdir never returns on some paths (/proc/x).
 */
function makeFolder(dir: string): void {
  const missing: string[] = [];
  let at = resolve(dir);
  while (!existsSync(at)) {
    missing.unshift(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  if (missing.length === 0 && !statSync(at).isDirectory()) throw new InputError(`cannot write Zeek logs into '${dir}': it is a file, not a folder`);
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (e) {
      throw new InputError(`cannot create the folder '${dir}': ${(e as Error).message}`);
    }
  }
}

function help(usage: string, options: OptionSpec[]): number {
  process.stdout.write(helpText(usage, options));
  return 0;
}
