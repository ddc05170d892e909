import { integerOption, type OptionSpec, type ParsedArgs, UsageError } from './args.js';

// The dashboard's listening options, shared by `sonde serve` and the writers that serve while
// they write (`sonde live --serve`, `sonde analyze --serve`); no web code is loaded to parse them.

export const LISTEN_OPTIONS: OptionSpec[] = [
  { name: 'port', short: 'p', value: true, valueName: 'N', help: 'the dashboard\'s port (default 8080; 0 picks a free one)' },
  { name: 'listen', value: true, valueName: 'ADDR', help: 'address the dashboard listens on (default 127.0.0.1); any other needs --token, or one is made and printed' },
  { name: 'token', value: true, valueName: 'T', help: 'a secret every dashboard request must carry (Authorization: Bearer T, or ?token=T once in the browser)' },
];

export const SERVE_WHILE_WRITING: OptionSpec = { name: 'serve', value: false, help: 'serve the dashboard from this process while it writes the DuckDB store (see --port, --listen, --token)' };

export interface ListenChoice {
  listen: string;
  port: number;
  token: string | null;
}

export function listenChoice(args: ParsedArgs): ListenChoice {
  const port = integerOption(args, 'port', 8080, 0, 65535);
  const listenOpt = args.options.get('listen');
  const listen = typeof listenOpt === 'string' ? listenOpt : '127.0.0.1';
  const tokenOpt = args.options.get('token');
  const token = typeof tokenOpt === 'string' ? tokenOpt : null;
  if (token !== null && token.length < 8) throw new UsageError("option '--token' needs at least 8 characters");
  return { listen, port, token };
}

/** for writers: the listening options mean nothing without --serve */
export function checkServeOptions(args: ParsedArgs, command: string): ListenChoice | null {
  const given = LISTEN_OPTIONS.map((o) => o.name).filter((n) => args.options.has(n));
  if (!args.options.has('serve')) {
    if (given.length) throw new UsageError(`option '--${given[0]}' goes with --serve ('sonde ${command} --serve --${given[0]} …')`);
    return null;
  }
  if (args.options.has('no-store')) throw new UsageError(`'--serve' shows the DuckDB store this run writes: it cannot go with --no-store`);
  return listenChoice(args);
}
