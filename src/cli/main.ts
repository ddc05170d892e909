import { readFileSync } from 'node:fs';
import { analyze } from './analyze.js';
import { protocols } from './protocols.js';
import { UsageError } from './args.js';
import { InputError } from './input.js';
import { StoreUnavailableError } from './stores.js';

const USAGE = `Usage: sonde COMMAND [options]

Commands:
  analyze FILE...   decode captures into bidirectional flows, identify protocols and
                    applications; summary table or JSON lines
  live -i IFACE     capture on an interface: flows stored as they end, flood and scan alerts
  protocols         list the protocols and applications sonde can identify
  query "SQL"       run SQL against the flow store (./sonde.duckdb, or --db PATH)
  top WHAT          biggest applications, hosts, talkers or ports
  flows             the newest flows matching --app, --host, --where
  alerts            the flood and scan alerts in the store
  export            write stored flows as jsonl, csv, parquet or Zeek logs
  anonymize IN OUT --key KEYFILE
                    a pcap with pseudonymised addresses and no payload
  serve             the dashboard and its JSON API on http://127.0.0.1:8080
  exposure CAPTURE...
                    what your traffic reveals to an observer, device by device, and what to fix
  prune --older-than 30d
                    delete older flows and alerts (DuckDB; ClickHouse days)
  keygen -o KEYFILE a key for --pseudonymize (Crypto-PAn pseudonyms of addresses)
  train CAPTURE...  train a statistical model on the flows sonde's dissectors named
  evaluate CAPTURE...
                    measure statistical identification (cross-validation by capture)

Run 'sonde COMMAND --help' for a command's options.`;

/** the store's commands, loaded when one runs: DuckDB's bindings take ~0.1 s to load, and analyze does not need them on its own thread */
const storeCommands = (): Promise<typeof import('./store-commands.js')> => import('./store-commands.js');

const learnCommands = (): Promise<typeof import('./learn-commands.js')> => import('./learn-commands.js');

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'analyze':
      return (await analyze(rest)).exitCode;
    case 'live':
      return (await import('./live.js')).live(rest);
    case 'protocols':
      return protocols(rest);
    case 'query':
      return (await storeCommands()).query(rest);
    case 'top':
      return (await storeCommands()).top(rest);
    case 'flows':
      return (await storeCommands()).flows(rest);
    case 'alerts':
      return (await storeCommands()).alerts(rest);
    case 'export':
      return (await storeCommands()).exportFlows(rest);
    case 'anonymize':
      return (await import('./anonymize.js')).anonymize(rest);
    case 'serve':
      return (await import('./serve.js')).serve(rest);
    case 'exposure':
      return (await import('./exposure.js')).exposure(rest);
    case 'prune':
      return (await import('./prune.js')).prune(rest);
    case 'keygen':
      return (await import('./privacy.js')).keygen(rest);
    case 'train':
      return (await learnCommands()).train(rest);
    case 'evaluate':
      return (await learnCommands()).evaluate(rest);
    case '--version':
    case '-V': {
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
      process.stdout.write(`sonde ${pkg.version}\n`);
      return 0;
    }
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(USAGE + '\n');
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command '${command}' (see 'sonde --help')`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`sonde: ${e.message}\n`);
      process.exitCode = 2;
    } else if (e instanceof InputError || e instanceof StoreUnavailableError) {
      process.stderr.write(`sonde: ${e.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`sonde: internal error: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 70;
    }
  },
);
