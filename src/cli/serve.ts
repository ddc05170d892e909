import { RISKS } from '../dpi/api/risks.js';
import '../dpi/index.js'; // the dissectors' fields are part of the stored tables
import { StoreError } from '../storage/duckdb/reader.js';
import { type QueryBackend, DashboardQueries } from '../web/queries.js';
import { createServer, isLocalAddress, newToken } from '../web/server.js';
import { helpText, parseArgs, type OptionSpec, UsageError } from './args.js';
import { InputError } from './input.js';
import { type ListenChoice, LISTEN_OPTIONS, listenChoice } from './serve-options.js';
import { DEFAULT_DB } from './stores.js';

// `sonde serve`: the dashboard and its JSON API over a DuckDB store (read-only) or the ClickHouse
// tables of one server or a cluster.

const OPTIONS: OptionSpec[] = [
  { name: 'db', value: true, valueName: 'PATH', help: `the DuckDB store (default ./${DEFAULT_DB}); it must not be being written: watch a running capture with 'sonde live --serve'` },
  { name: 'clickhouse', value: true, valueName: 'URL', help: 'serve from ClickHouse instead: http://HOST:8123/?database=sonde' },
  { name: 'cluster', value: false, help: "with --clickhouse: read the cluster's Distributed tables (flows_all, …) that several probes write" },
  ...LISTEN_OPTIONS,
  { name: 'help', short: 'h', value: false, help: 'show this help' },
];

const USAGE = 'Usage: sonde serve [--db PATH | --clickhouse URL [--cluster]] [--port N] [--listen ADDR] [--token T]';

export async function openBackend(args: ReturnType<typeof parseArgs>): Promise<QueryBackend> {
  const ch = args.options.get('clickhouse');
  if (typeof ch === 'string') {
    if (args.options.has('db')) throw new UsageError("give either --db or --clickhouse, not both");
    const { ClickHouseBackend, clickHouseTarget, ServeError } = await import('../web/clickhouse-backend.js');
    try {
      return await ClickHouseBackend.open(clickHouseTarget(ch, args.options.has('cluster')));
    } catch (e) {
      throw e instanceof ServeError ? new InputError(e.message) : e;
    }
  }
  if (args.options.has('cluster')) throw new UsageError("'--cluster' goes with --clickhouse URL");
  const { DuckDbBackend } = await import('../web/duckdb-backend.js');
  const db = args.options.get('db');
  try {
    return await DuckDbBackend.open(typeof db === 'string' ? db : DEFAULT_DB);
  } catch (e) {
    if (e instanceof StoreError) throw new InputError(/being written/.test(e.message) ? `${e.message}, or let the writer serve it: start it with --serve ('sonde live --serve', 'sonde analyze --serve')` : e.message);
    throw e;
  }
}

export interface Dashboard {
  url: string;
  close(): Promise<void>;
}

/** Serves the dashboard over a back end until closed; the address goes to stderr (with the token, when there is one). */
export async function startDashboard(backend: QueryBackend, choice: ListenChoice, command: string): Promise<Dashboard> {
  const { listen, port } = choice;
  let token = choice.token;
  let madeToken = false;
  if (!isLocalAddress(listen) && token === null) {
    token = newToken();
    madeToken = true;
  }
  const app = await createServer(new DashboardQueries(backend, RISKS), { listen, port, token });
  try {
    await app.listen({ host: listen, port });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new InputError(`port ${port} on ${listen} is in use: pick another with --port N`);
    if (code === 'EADDRNOTAVAIL') throw new InputError(`cannot listen on ${listen}: it is not an address of this machine (see 'ip addr')`);
    if (code === 'EACCES') throw new InputError(`no permission to listen on port ${port}: use a port above 1023`);
    throw e;
  }
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  const shown = listen.includes(':') ? `[${listen}]` : listen;
  const url = `http://${shown}:${bound}/${token !== null ? `?token=${encodeURIComponent(token)}` : ''}`;
  process.stderr.write(`sonde ${command}: the dashboard is at ${url}${madeToken ? ' (a token was made for this non-local address: keep it secret)' : ''}\n`);
  return { url, close: () => app.close() };
}

export async function serve(argv: string[]): Promise<number> {
  const args = parseArgs(argv, OPTIONS, 'serve');
  if (args.options.has('help')) {
    process.stdout.write(helpText(`${USAGE}\n\nServes the dashboard and its JSON API (see the README).`, OPTIONS));
    return 0;
  }
  if (args.positionals.length) throw new UsageError(`'sonde serve' takes no file: give the store with --db PATH (${USAGE})`);
  const choice = listenChoice(args);
  const backend = await openBackend(args);
  let dashboard: Dashboard;
  try {
    dashboard = await startDashboard(backend, choice, 'serve');
  } catch (e) {
    await backend.close();
    throw e;
  }
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await dashboard.close();
  await backend.close();
  return 0;
}
