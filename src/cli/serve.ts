import { RISKS } from '../dpi/api/risks.js';
import '../dpi/index.js'; // the dissectors' fields are part of the stored tables
import { StoreError } from '../storage/duckdb/reader.js';
import { type QueryBackend, DashboardQueries } from '../web/queries.js';
import { createServer, isLocalAddress, newToken } from '../web/server.js';
import { helpText, integerOption, parseArgs, type OptionSpec, UsageError } from './args.js';
import { InputError } from './input.js';
import { DEFAULT_DB } from './stores.js';

// `sonde serve`: the dashboard and its JSON API over a DuckDB store (read-only) or the ClickHouse
// tables of one server or a cluster.

const OPTIONS: OptionSpec[] = [
  { name: 'db', value: true, valueName: 'PATH', help: `the DuckDB store (default ./${DEFAULT_DB}); it must not be being written: watch a running capture with 'sonde live --serve'` },
  { name: 'clickhouse', value: true, valueName: 'URL', help: 'serve from ClickHouse instead: http://HOST:8123/?database=sonde' },
  { name: 'cluster', value: false, help: "with --clickhouse: read the cluster's Distributed tables (flows_all, …) that several probes write" },
  { name: 'port', short: 'p', value: true, valueName: 'N', help: 'port to listen on (default 8080; 0 picks a free one)' },
  { name: 'listen', value: true, valueName: 'ADDR', help: 'address to listen on (default 127.0.0.1); any other needs --token, or one is made and printed' },
  { name: 'token', value: true, valueName: 'T', help: 'a secret every request must carry (Authorization: Bearer T, or ?token=T once in the browser)' },
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
    if (e instanceof StoreError) throw new InputError(/being written/.test(e.message) ? `${e.message}, or serve it from the writing process with 'sonde live --serve'` : e.message);
    throw e;
  }
}

export async function serve(argv: string[]): Promise<number> {
  const args = parseArgs(argv, OPTIONS, 'serve');
  if (args.options.has('help')) {
    process.stdout.write(helpText(`${USAGE}\n\nServes the dashboard and its JSON API (see the README).`, OPTIONS));
    return 0;
  }
  if (args.positionals.length) throw new UsageError(`'sonde serve' takes no file: give the store with --db PATH (${USAGE})`);
  const port = integerOption(args, 'port', 8080, 0, 65535);
  const listenOpt = args.options.get('listen');
  const listen = typeof listenOpt === 'string' ? listenOpt : '127.0.0.1';
  const tokenOpt = args.options.get('token');
  let token = typeof tokenOpt === 'string' ? tokenOpt : null;
  if (token !== null && token.length < 8) throw new UsageError("option '--token' needs at least 8 characters");
  let madeToken = false;
  if (!isLocalAddress(listen) && token === null) {
    token = newToken();
    madeToken = true;
  }
  const backend = await openBackend(args);
  const queries = new DashboardQueries(backend, RISKS);
  const app = await createServer(queries, { listen, port, token });
  try {
    await app.listen({ host: listen, port });
  } catch (e) {
    await backend.close();
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
  process.stderr.write(`sonde serve: the dashboard is at ${url}${madeToken ? ' (a token was made for this non-local address: keep it secret)' : ''}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await app.close();
  await backend.close();
  return 0;
}
