import { allProtocols } from '../dpi/api/catalog.js';
import { createDpiEngine } from '../dpi/index.js';
import { helpText, parseArgs, type OptionSpec } from './args.js';

// `sonde protocols [--json]`: every protocol and application sonde can name, with nDPI's name
// for it so that nDPI and ntopng users can compare.

const OPTIONS: OptionSpec[] = [
  { name: 'json', value: false, help: 'one JSON array instead of a table' },
  { name: 'help', short: 'h', value: false, help: 'show this help' },
];

const USAGE = `Usage: sonde protocols [--json]

Lists every protocol and application sonde can identify: id, name, kind, category, default
ports, and the name nDPI uses for it.`;

export function protocols(argv: string[]): number {
  const args = parseArgs(argv, OPTIONS, 'protocols');
  if (args.options.has('help')) {
    process.stdout.write(helpText(USAGE, OPTIONS));
    return 0;
  }
  createDpiEngine(); // loads the dissectors and the application database into the catalog
  const rows = allProtocols().map((e) => ({
    id: e.id,
    name: e.name,
    kind: e.kind,
    category: e.category,
    default_ports: [...e.tcpPorts.map((p) => `tcp/${p}`), ...e.udpPorts.map((p) => `udp/${p}`)],
    ndpi: e.ndpi,
  }));
  if (args.options.has('json')) {
    process.stdout.write(JSON.stringify(rows, null, 1) + '\n');
    return 0;
  }
  const w = (k: keyof (typeof rows)[number]): number => Math.max(k.length, ...rows.map((r) => String(r[k]).length));
  const nameW = Math.min(28, w('name'));
  const catW = Math.min(18, w('category'));
  process.stdout.write(`${'id'.padStart(4)}  ${'name'.padEnd(nameW)}  ${'kind'.padEnd(11)}  ${'category'.padEnd(catW)}  ${'nDPI name'.padEnd(nameW)}  default ports\n`);
  for (const r of rows) {
    process.stdout.write(`${String(r.id).padStart(4)}  ${r.name.padEnd(nameW)}  ${r.kind.padEnd(11)}  ${r.category.padEnd(catW)}  ${(r.ndpi ?? '-').padEnd(nameW)}  ${r.default_ports.join(' ')}\n`);
  }
  process.stdout.write(`${rows.length} protocols and applications (${rows.filter((r) => r.kind === 'protocol').length} protocols, ${rows.filter((r) => r.kind === 'application').length} applications)\n`);
  return 0;
}
