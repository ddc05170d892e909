// `sonde exposure CAPTURES… [--local CIDR,…] [--html FILE] [--format text|json]`: what a passive
// observer learns about each local device from these captures, and what to fix (exposure/).

import { writeFileSync } from 'node:fs';
import { NotACaptureError } from '../capture/parser.js';
import { createDpiEngine } from '../dpi/index.js';
import { DEFAULT_ENGINE_OPTIONS } from '../engine/engine.js';
import { LocalCaptureRun } from '../engine/capture-run.js';
import { DEFAULT_LOCAL, LocalNetworkError, LocalNetworks } from '../exposure/local-networks.js';
import { ExposureBuilder } from '../exposure/report.js';
import { renderHtml } from '../exposure/html.js';
import { renderText } from '../exposure/text.js';
import { flowRecord } from '../flow/schema.js';
import { choiceOption, helpText, parseArgs, type OptionSpec, UsageError } from './args.js';
import { InputError, openInput } from './input.js';
import { Progress } from './progress.js';

const OPTIONS: OptionSpec[] = [
  { name: 'local', value: true, valueName: 'CIDR,…', help: `your devices' address prefixes, comma-separated (default: the private ranges, ${DEFAULT_LOCAL.slice(0, 3).join(', ')}, …)` },
  { name: 'html', value: true, valueName: 'FILE', help: 'also write the report as one HTML file (charts, no script, nothing loaded from the internet)' },
  { name: 'format', short: 'f', value: true, valueName: 'text|json', help: 'text: a few lines per device (default); json: the whole report' },
  { name: 'no-progress', value: false, help: 'no progress bar (it only shows on a terminal anyway)' },
  { name: 'help', short: 'h', value: false, help: 'show this help' },
];

const USAGE = `Usage: sonde exposure CAPTURE... [--local CIDR,...] [--html FILE] [--format text|json]

For each local device in the captures, what anyone on the path learns without breaking any
encryption: the names it reveals (DNS, TLS/QUIC SNI, HTTP) and whether encrypted DNS and ECH hide
them, what it sends in clear (logins and mail above all), the software it announces, how much its
destinations make it stand out, when it is active; then a short list of fixes. Nothing is stored.`;

export async function exposure(argv: string[]): Promise<number> {
  const args = parseArgs(argv, OPTIONS, 'exposure');
  if (args.options.has('help')) {
    process.stdout.write(helpText(USAGE, OPTIONS));
    return 0;
  }
  if (args.positionals.length === 0) throw new UsageError("no capture given: 'sonde exposure CAPTURE...'");
  const format = choiceOption(args, 'format', ['text', 'json'] as const, 'text');
  const localOption = args.options.get('local');
  if (localOption === true) throw new UsageError("option '--local' needs prefixes, e.g. --local 192.168.1.0/24,fd00::/8");
  const localText = typeof localOption === 'string' ? localOption.split(',').map((s) => s.trim()).filter((s) => s !== '') : DEFAULT_LOCAL;
  let local: LocalNetworks;
  try {
    local = new LocalNetworks(localText);
  } catch (e) {
    if (e instanceof LocalNetworkError) throw new UsageError(`option '--local': ${e.message}`);
    throw e;
  }
  const htmlPath = args.options.get('html');
  if (htmlPath === true) throw new UsageError("option '--html' needs a file name, e.g. --html report.html");

  const builder = new ExposureBuilder(local, localText);
  const dpi = createDpiEngine();
  const run = new LocalCaptureRun(DEFAULT_ENGINE_OPTIONS, dpi, (view) => builder.add(flowRecord(view)));
  const progress = new Progress(!args.options.has('no-progress') && process.stderr.isTTY === true, 0);
  let failures = 0;
  for (const path of args.positionals) {
    try {
      const input = openInput(path);
      let begun = false;
      for await (const chunk of input.chunks()) {
        if (!begun) {
          run.begin(input.name, chunk);
          begun = true;
        }
        run.push(chunk);
        progress.update(input.bytesRead, run.records);
        if (run.stopped) break;
      }
      if (!begun) throw new NotACaptureError('not a pcap or pcapng capture (empty input)');
      const end = run.end();
      progress.done();
      for (const e of end.errors) process.stderr.write(`sonde: ${path}: error: ${e}\n`);
      for (const w of end.warnings) process.stderr.write(`sonde: ${path}: warning: ${w}\n`);
      if (end.errors.length > 0) failures++;
    } catch (e) {
      if (!(e instanceof InputError || e instanceof NotACaptureError)) throw e;
      progress.done();
      process.stderr.write(`sonde: ${e instanceof NotACaptureError ? `${path}: ` : ''}${e.message}\n`);
      failures++;
    }
  }
  const report = builder.report();
  if (typeof htmlPath === 'string') {
    try {
      writeFileSync(htmlPath, renderHtml(report));
    } catch (e) {
      throw new InputError(`cannot write '${htmlPath}': ${(e as Error).message}`);
    }
  }
  process.stdout.write(format === 'json' ? JSON.stringify(report, null, 1) + '\n' : renderText(report));
  return failures > 0 ? 1 : 0;
}
