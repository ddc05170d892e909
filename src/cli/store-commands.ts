import { mkdirSync } from 'node:fs';
import { type DuckDBValue } from '@duckdb/node-api';
import { writeZeekLogs } from '../output/zeek.js';
import { recordQuery, StoreError, StoreReader } from '../storage/duckdb/reader.js';
import { storedTables } from '../storage/tables.js';
import { quoteIdent } from '../storage/duckdb/store.js';
import '../dpi/index.js'; // the dissectors' fields are part of the stored tables
import { choiceOption, helpText, numberOption, parseArgs, type OptionSpec, type ParsedArgs, UsageError } from './args.js';
import { InputError } from './input.js';
import { DEFAULT_DB } from './stores.js';
import { LineWriter } from './writer.js';

// `sonde query`, `sonde top`, `sonde flows`, `sonde export`: reading the DuckDB store. User values
// (applications, hosts, --where values, durations) are bound parameters, never pasted into SQL;
// field names are checked against the stored schema.

const DB_OPTION: OptionSpec = { name: 'db', value: true, valueName: 'PATH', help: `the DuckDB store (default ./${DEFAULT_DB})` };
const HELP: OptionSpec = { name: 'help', short: 'h', value: false, help: 'show this help' };
const FORMAT_TABLE: OptionSpec = { name: 'format', short: 'f', value: true, valueName: 'table|csv|json', help: 'output format (default table)' };
const SINCE: OptionSpec = { name: 'since', value: true, valueName: 'DURATION', help: 'only flows that started within DURATION (30s, 15m, 1h, 7d) before the newest flow in the store' };
const WHERE: OptionSpec = { name: 'where', value: true, valueName: 'FIELD=VALUE', help: 'only flows whose FIELD equals VALUE (repeatable; FIELD is any flow field, e.g. protocol=DNS)' };
const LIMIT: OptionSpec = { name: 'limit', short: 'n', value: true, valueName: 'N', help: 'rows at most (default 20 for top, 50 for flows)' };

async function withStore<T>(args: ParsedArgs, f: (s: StoreReader) => Promise<T>): Promise<T> {
  const path = typeof args.options.get('db') === 'string' ? (args.options.get('db') as string) : DEFAULT_DB;
  let store: StoreReader;
  try {
    store = await StoreReader.open(path);
  } catch (e) {
    throw e instanceof StoreError ? new InputError(e.message) : e;
  }
  try {
    return await f(store);
  } catch (e) {
    throw e instanceof StoreError ? new InputError(e.message) : e;
  } finally {
    store.close();
  }
}

// ---- filters shared by top, flows and export ----

const FLOW_COLUMNS = new Map(storedTables()[0]!.columns.map((c) => [c.name, c]));

/** "1h" → seconds; a bad duration is a usage error */
export function durationSeconds(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(s.trim());
  if (!m) throw new UsageError(`option '--since' needs a duration such as 30s, 15m, 1h or 7d, not '${s}'`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

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
    if (how === 'host') {
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

function printRows(columns: string[], rows: unknown[][], format: 'table' | 'csv' | 'json'): void {
  const out = LineWriter.toStdout();
  const text = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  if (format === 'json') {
    for (const r of rows) out.write(JSON.stringify(Object.fromEntries(columns.map((c, i) => [c, r[i] ?? null]))) + '\n');
  } else if (format === 'csv') {
    const cell = (v: unknown): string => {
      const s = text(v);
      return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    out.write(columns.map(cell).join(',') + '\n');
    for (const r of rows) out.write(r.map(cell).join(',') + '\n');
  } else {
    const cells = rows.map((r) => r.map((v) => (typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : text(v))));
    const widths = columns.map((c, i) => Math.min(60, Math.max(c.length, ...cells.map((r) => r[i]!.length))));
    const numeric = columns.map((_, i) => rows.length > 0 && rows.every((r) => r[i] === null || typeof r[i] === 'number'));
    const line = (vals: string[]): string => vals.map((v, i) => (v.length > 60 ? v.slice(0, 59) + '…' : v)[numeric[i] ? 'padStart' : 'padEnd'](widths[i]!)).join('  ').trimEnd();
    out.write(line(columns) + '\n');
    for (const r of cells) out.write(line(r) + '\n');
    if (rows.length === 0) out.write('(no rows)\n');
  }
  out.close();
}

// ---- sonde query ----

const QUERY_OPTIONS = [DB_OPTION, FORMAT_TABLE, HELP];
const QUERY_USAGE = `Usage: sonde query "SQL" [--db PATH] [--format table|csv|json]

Runs SQL against the store. Tables: runs, flows, and one per protocol (dns, tls, http, …) joined
by flow_id; see docs/flow-schema.md. The store is opened read-only.`;

export async function query(argv: string[]): Promise<number> {
  const args = parseArgs(argv, QUERY_OPTIONS, 'query');
  if (args.options.has('help')) return help(QUERY_USAGE, QUERY_OPTIONS);
  if (args.positionals.length !== 1) throw new UsageError(`give one SQL statement in quotes: sonde query "SELECT count(*) FROM flows"`);
  const format = choiceOption(args, 'format', ['table', 'csv', 'json'] as const, 'table');
  const r = await withStore(args, (s) => s.query(args.positionals[0]!));
  printRows(r.columns, r.rows, format);
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
  const limit = Math.floor(numberOption(args, 'limit', 20, 1));
  const filter = flowFilter(args, repeated(argv, 'where'));
  const sql = `SELECT ${spec.key} AS ${spec.label}, count(*) AS flows, sum(f.packets_c2s + f.packets_s2c) AS packets,
    sum(f.bytes_c2s + f.bytes_s2c) AS bytes FROM flows f WHERE ${filter.sql}${spec.where ? ` AND ${spec.where}` : ''}
    GROUP BY 1 ORDER BY bytes DESC, flows DESC, 1 LIMIT ${limit}`;
  const r = await withStore(args, (s) => s.query(sql, filter.values));
  printRows(r.columns, r.rows, format);
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
  const limit = Math.floor(numberOption(args, 'limit', 50, 1));
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
  const r = await withStore(args, (s) => s.query(sql, filter.values));
  printRows(r.columns, r.rows, format);
  return 0;
}

// ---- sonde export ----

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
    if (!/^\d+$/.test(run)) throw new UsageError(`option '--run' needs a run id (a number), not '${run}'`);
    filter.values.push(BigInt(run));
    filter.sql += ` AND f.run_id = $${filter.values.length}`;
  }
  const written = await withStore(args, async (s) => {
    if (format === 'zeek' || format === 'zeek-json') {
      try {
        mkdirSync(output, { recursive: true });
      } catch (e) {
        throw new InputError(`cannot create the folder '${output}': ${(e as Error).message}`);
      }
      const counts = await writeZeekLogs(s.records(filter.sql, filter.values), output, { json: format === 'zeek-json' });
      return Object.entries(counts).filter(([, n]) => n > 0).map(([log, n]) => `${log}.log ${n}`).join(', ');
    }
    if (format === 'jsonl') {
      let writer: LineWriter;
      try {
        writer = LineWriter.toFile(output);
      } catch (e) {
        throw new InputError(`cannot write '${output}': ${(e as Error).message}`);
      }
      let n = 0;
      for await (const r of s.records(filter.sql, filter.values)) {
        writer.write(JSON.stringify(r) + '\n');
        n++;
      }
      writer.close();
      return `${n} flows`;
    }
    // csv and parquet: DuckDB writes the file itself (COPY cannot bind its target: quoted instead)
    const target = `'${output.replace(/'/g, "''")}'`;
    const source = format === 'csv' ? `SELECT f.* FROM flows f WHERE ${filter.sql} ORDER BY f.flow_id` : recordQuery(filter.sql, false);
    const r = await s.query(`COPY (${source}) TO ${target} (FORMAT ${format === 'csv' ? 'csv, HEADER true' : 'parquet'})`, filter.values);
    return `${String(r.rows[0]?.[0] ?? '?')} flows`;
  });
  process.stderr.write(`sonde export: ${written} → ${output}\n`);
  return 0;
}

function help(usage: string, options: OptionSpec[]): number {
  process.stdout.write(helpText(usage, options));
  return 0;
}
