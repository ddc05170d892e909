import { existsSync, readFileSync, statSync } from 'node:fs';
import { type AlertHandler } from '../detect/alert.js';
import { FloodScanDetector } from '../detect/detector.js';
import { applyThresholds, cloneThresholds, DEFAULT_THRESHOLDS, setThreshold, ThresholdError, type Thresholds } from '../detect/thresholds.js';
import { fileURLToPath } from 'node:url';
import { loadModel, ModelError } from '../classify/model.js';
import { StatisticalStage } from '../classify/stage.js';
import { createCaptureParser, NotACaptureError } from '../capture/parser.js';
import { DEFAULT_ENGINE_OPTIONS } from '../engine/engine.js';
import { type CaptureRun, LocalCaptureRun } from '../engine/capture-run.js';
import { ShardedCaptureRun } from '../engine/sharded.js';
import { createDpiEngine } from '../dpi/index.js';
import { flowRecord, type FlowView } from '../flow/schema.js';
import { ProtocolSummary } from '../output/summary.js';
import { choiceOption, durationSeconds, helpText, integerOption, numberOption, parseArgs, type OptionSpec, type ParsedArgs, UsageError } from './args.js';
import { UDP_TUNNELS, type UdpTunnelName } from '../decode/dispatch.js';
import { CHUNK_BYTES, InputError, openInput } from './input.js';
import { Progress } from './progress.js';
import { LineWriter } from './writer.js';
import { type RunCounters, type RunStatus } from '../storage/sink.js';
import { Interruption, yieldToEventLoop } from './interruption.js';
import { checkServeOptions, LISTEN_OPTIONS, SERVE_WHILE_WRITING } from './serve-options.js';
import { openStores, STORE_FEATURES_OPTION, serveWhileWriting, type Stores } from './stores.js';
import { outputPrivacyOption, PRIVACY_OPTIONS, privateHandlers } from './privacy.js';

/** bytes needed to recognise pcap and pcapng */
const MAGIC_BYTES = 4;
const MAX_WORKERS = 64;
/** the flow table's arrays are indexed by 32-bit slots */
const MAX_FLOWS = 2 ** 31 - 1;

/** the tunnels dispatch.ts decodes unless told otherwise */
const DEFAULT_UDP_TUNNELS = (Object.keys(UDP_TUNNELS) as UdpTunnelName[]).filter((name) => UDP_TUNNELS[name].byDefault);

export const ANALYZE_OPTIONS: OptionSpec[] = [
  { name: 'format', short: 'f', value: true, valueName: 'table|jsonl', help: 'table: summary per protocol (default); jsonl: one flow record per line' },
  { name: 'output', short: 'o', value: true, valueName: 'FILE', help: 'write flow records (jsonl) to FILE instead of standard output' },
  { name: 'idle-timeout', value: true, valueName: 'S', help: `write a flow after S seconds without packets (capture time; 0 = never; default ${DEFAULT_ENGINE_OPTIONS.idleTimeoutS})` },
  { name: 'active-timeout', value: true, valueName: 'S', help: `write a long flow every S seconds, continuing in a new record (0 = never; default ${DEFAULT_ENGINE_OPTIONS.activeTimeoutS})` },
  { name: 'max-flows', value: true, valueName: 'N', help: `live flows at most; the least recently active is written beyond it (default ${DEFAULT_ENGINE_OPTIONS.maxFlows})` },
  { name: 'db', value: true, valueName: 'PATH', help: 'the DuckDB store to append to (default ./sonde.duckdb)' },
  { name: 'no-store', value: false, help: 'do not write flows to the DuckDB store' },
  STORE_FEATURES_OPTION,
  { name: 'clickhouse', value: true, valueName: 'URL', help: 'also write flows to ClickHouse over HTTP (e.g. http://127.0.0.1:8123/?database=sonde)' },
  { name: 'spool', value: true, valueName: 'DIR', help: 'where ClickHouse batches wait while the server is down (default ./sonde-spool)' },
  { name: 'workers', value: true, valueName: 'N', help: 'analyse on N threads, each with a share of the flows (default 1; the records are the same)' },
  { name: 'udp-tunnels', value: true, valueName: 'LIST', help: `UDP tunnels decoded to the flows inside, on their ports: any of ${Object.keys(UDP_TUNNELS).join(',')}, or none (default ${DEFAULT_UDP_TUNNELS.join(',')}; Teredo's outer flow is what nDPI names)` },
  { name: 'no-dpi', value: false, help: 'track flows only: no protocol or application identification' },
  { name: 'model', value: true, valueName: 'FILE', help: "the statistical model that names flows DPI leaves unknown ('sonde train'; default: the model shipped in models/, trained on nDPI's test captures)" },
  { name: 'no-statistical', value: false, help: 'no statistical identification: flows DPI cannot name stay unknown' },
  { name: 'statistical', value: true, valueName: 'name|check', help: "name: statistics name the flows nothing else named (default); check: also flag (risk statistical_mismatch) flows a confident model names otherwise than DPI" },
  { name: 'hide-names', value: false, help: 'identify as in a world of Encrypted Client Hello and encrypted DNS: no SNI, HTTP Host, DNS names, certificate names or DNS-learned labels' },
  { name: 'no-detect', value: false, help: 'no flood and scan detection' },
  { name: 'alerts', value: true, valueName: 'FILE', help: "write alerts as JSON lines to FILE ('-': standard output): a line as each starts (ongoing) and one as it ends" },
  { name: 'detect-config', value: true, valueName: 'FILE', help: 'detection thresholds from a JSON file (see README, "Flood and scan detection")' },
  { name: 'threshold', value: true, valueName: 'LIST', help: 'thresholds as kind.key=value, comma-separated (e.g. syn_flood.pps=500,scanWindowS=30)' },
  ...PRIVACY_OPTIONS,
  { name: 'retain', value: true, valueName: 'DURATION', help: 'after the run, delete flows and alerts older than DURATION before now from the stores (e.g. 30d; see sonde prune)' },
  SERVE_WHILE_WRITING,
  ...LISTEN_OPTIONS,
  { name: 'no-progress', value: false, help: 'no progress bar (it only shows on a terminal anyway)' },
  { name: 'quiet', short: 'q', value: false, help: 'no summary table' },
  { name: 'help', short: 'h', value: false, help: 'show this help' },
];

export const ANALYZE_USAGE = `Usage: sonde analyze [options] FILE... (pcap or pcapng; '-' reads standard input)

Decodes every packet (tunnels included), tracks bidirectional flows, identifies protocols and
applications, stores the flows in ./sonde.duckdb (see --db, --no-store), and prints a summary
per application, or the flow records as JSON lines (--format jsonl).`;

export interface AnalyzeResult {
  exitCode: number;
}

export function udpTunnelsOption(args: ParsedArgs): UdpTunnelName[] {
  const v = args.options.get('udp-tunnels');
  if (v === undefined) return DEFAULT_UDP_TUNNELS;
  const names = String(v).split(',').map((x) => x.trim().toLowerCase()).filter((x) => x !== '');
  if (names.length === 1 && names[0] === 'none') return [];
  const unknown = names.filter((x) => !(x in UDP_TUNNELS));
  if (names.length === 0 || unknown.length > 0) {
    throw new UsageError(`option '--udp-tunnels' takes a comma list of ${Object.keys(UDP_TUNNELS).join(', ')}, or none; not '${unknown[0] ?? String(v)}'`);
  }
  return names as UdpTunnelName[];
}

/** `sonde analyze`: capture files → flows → summary table or JSON lines. */
export async function analyze(argv: string[]): Promise<AnalyzeResult> {
  const args = parseArgs(argv, ANALYZE_OPTIONS, 'analyze');
  if (args.options.has('help')) {
    process.stdout.write(helpText(ANALYZE_USAGE, ANALYZE_OPTIONS));
    return { exitCode: 0 };
  }
  const format = choiceOption(args, 'format', ['table', 'jsonl'] as const, 'table');
  const engineOptions = {
    idleTimeoutS: numberOption(args, 'idle-timeout', DEFAULT_ENGINE_OPTIONS.idleTimeoutS),
    activeTimeoutS: numberOption(args, 'active-timeout', DEFAULT_ENGINE_OPTIONS.activeTimeoutS),
    maxFlows: integerOption(args, 'max-flows', DEFAULT_ENGINE_OPTIONS.maxFlows, 1, MAX_FLOWS),
    udpTunnels: udpTunnelsOption(args),
  };
  const workers = integerOption(args, 'workers', 1, 1, MAX_WORKERS);
  if (args.positionals.length === 0) throw new UsageError("no capture given: 'sonde analyze FILE...' (or '-' for standard input)");
  if (args.positionals.filter((p) => p === '-').length > 1) throw new UsageError("standard input ('-') can be read only once");

  const outputPath = args.options.get('output');
  const writeRecords = format === 'jsonl' || typeof outputPath === 'string';
  let writer: LineWriter | null = null;
  if (writeRecords) {
    try {
      writer = typeof outputPath === 'string' ? LineWriter.toFile(outputPath) : LineWriter.toStdout();
    } catch (e) {
      throw new InputError(`cannot write '${String(outputPath)}': ${(e as Error).message}`);
    }
  }
  const showSummary = !args.options.has('quiet') && (format === 'table' || typeof outputPath === 'string');

  const inputs = args.positionals;
  // Ctrl-C or SIGTERM: stop reading, write the flows seen so far, mark the run interrupted; a
  // live input may never send another byte, so the wait for it ends too
  const interruption = new Interruption(() => {
    if (inputs.includes('-')) process.stdin.destroy();
    // workers stop reading at once, rather than when this thread next gets to the loop
    run?.abandon();
  });
  let run: CaptureRun | null = null;
  // DPI first: it completes the protocol catalog that the store's thread copies
  const dpi = args.options.has('no-dpi') ? null : createDpiEngine();
  if (dpi) dpi.hideNames = args.options.has('hide-names');
  const statistical = dpi ? statisticalStage(args) : null;
  const thresholds = detectionThresholds(args);
  const privacy = outputPrivacyOption(args);
  const retain = args.options.get('retain');
  const retainS = typeof retain === 'string' ? durationSeconds(retain, 'retain') : retain === true ? durationSeconds('', 'retain') : null;
  const alertsPath = args.options.get('alerts');
  let alertWriter: LineWriter | null = null;
  if (typeof alertsPath === 'string') {
    if (alertsPath === '-' && writeRecords && typeof outputPath !== 'string') throw new UsageError("flow records already go to standard output: give '--alerts' a file, or '--output' one");
    try {
      alertWriter = alertsPath === '-' ? LineWriter.toStdout() : LineWriter.toFile(alertsPath);
    } catch (e) {
      throw new InputError(`cannot write '${alertsPath}': ${(e as Error).message}`);
    }
  }
  const serveChoice = checkServeOptions(args, 'analyze');
  const stores: Stores = await openStores(args, inputs);
  const dashboard = serveChoice ? await serveWhileWriting(stores, serveChoice, 'analyze') : null;
  const summary = new ProtocolSummary();
  if (thresholds) summary.alerts = [];
  const writeAlert: AlertHandler = (alert, phase) => {
    if (phase === 'end') summary.alerts?.push(alert);
    alertWriter?.write(JSON.stringify(alert) + '\n');
    stores.addAlert(alert, phase);
  };
  const writeFlow = (view: FlowView): void => {
    summary.add(view.table, view.id, view.dpi);
    if (writer) writer.write(JSON.stringify(flowRecord(view)) + '\n');
    stores.add(view);
  };
  const { onFlow, onAlert } = privateHandlers(privacy, writeFlow, writeAlert);
  // SONDE_WORKER_PATH=1: one worker through the workers' path, to measure what that path costs
  const sharded = workers > 1 || process.env['SONDE_WORKER_PATH'] === '1';
  const detector = thresholds && !sharded ? new FloodScanDetector(thresholds, onAlert) : null;
  const capture: CaptureRun = sharded ? new ShardedCaptureRun(workers, CHUNK_BYTES, engineOptions, dpi, onFlow, undefined, statistical, thresholds ? { thresholds, onAlert } : null)
      : new LocalCaptureRun({ ...engineOptions, statistical, detector }, dpi, onFlow);
  run = capture;

  const totalBytes = inputs.reduce((sum, p) => sum + fileSize(p), 0);
  const progress = new Progress(!args.options.has('no-progress') && process.stderr.isTTY === true, totalBytes);
  let doneBytes = 0;
  let failures = 0;
  let processed = 0;
  const started = process.hrtime.bigint();

  const counters = (): RunCounters => {
    const stats = run.stats();
    return { packets: stats.records, bytes: stats.wireBytes, flows: stats.flowsEnded };
  };
  try {
    for (const path of inputs) {
      let begun = false;
      let ended = false;
      try {
        const input = openInput(path);
        const doneBefore = doneBytes;
        let head: Uint8Array | null = null;
        for await (let chunk of input.chunks()) {
          if (!begun) {
            // a pipe may deliver the first bytes one at a time: gather enough to tell the format
            head = head === null ? Uint8Array.from(chunk) : Buffer.concat([head, chunk]);
            if (head.length < MAGIC_BYTES) continue;
            run.begin(input.name, head);
            begun = true;
            chunk = head;
          }
          // with workers, a push waits for room in their ring; a signal ends the wait (the run is
          // then abandoned, and the chunk is not read)
          const pushed = run.push(chunk);
          if (pushed) {
            pushed.catch(() => undefined); // a worker's failure is reported again by run.end()
            await interruption.orSignal(pushed);
          }
          doneBytes = doneBefore + input.bytesRead;
          progress.update(doneBytes, run.records);
          // a store that is behind makes this wait; a signal ends the wait, and what is still
          // queued for the store is written at its end
          const drained = stores.drain();
          drained.catch(() => undefined); // a failed write is reported again by stores.end()
          await interruption.orSignal(drained);
          await yieldToEventLoop();
          if (run.stopped || interruption.requested) break;
        }
        if (interruption.requested) break;
        if (!begun) {
          if (head !== null) createCaptureParser(head, () => undefined); // throws: too short
          throw new NotACaptureError('not a pcap or pcapng capture (empty input)');
        }
        const end = await run.end();
        ended = true;
        processed++;
        for (const e of end.errors) {
          progress.done();
          process.stderr.write(`sonde: ${path}: error: ${e}\n`);
        }
        for (const w of end.warnings) {
          progress.done();
          process.stderr.write(`sonde: ${path}: warning: ${w}\n`);
        }
        if (end.errors.length > 0) failures++;
      } catch (e) {
        if (interruption.requested) break; // the input was cut short on purpose (Ctrl-C on a live input)
        if (!(e instanceof InputError || e instanceof NotACaptureError)) throw e;
        progress.done();
        process.stderr.write(`sonde: ${e instanceof NotACaptureError ? `${path}: ` : ''}${e.message}\n`);
        failures++;
      } finally {
        // flows of one capture never continue in the next; those of a capture cut short are written
        if (begun && !ended) {
          if (interruption.requested) run.abandon();
          await run.end();
        }
      }
      if (interruption.requested) break;
    }
  } catch (e) {
    // a store that failed, or anything unexpected: what was written stays, and the stores
    // close the run (as failed)
    progress.done();
    writer?.close();
    alertWriter?.close();
    await dashboard?.close();
    await stores.end('failed', counters()).catch(() => undefined);
    await run.close();
    throw e;
  }
  // the workers' threads end while the store writes the last flows
  const closed = run.close();
  progress.done();
  writer?.close();
  alertWriter?.close();
  // chosen once, when reading has ended: a signal during the final writes changes neither the
  // run's status nor what is said about it (a second one still stops at once)
  const interruptedBy = interruption.signal;
  const everyInputFailed = processed === 0 && failures > 0 && interruptedBy === null;
  const status: Exclude<RunStatus, 'running'> =
    interruptedBy !== null ? 'interrupted' : everyInputFailed ? 'failed' : failures > 0 ? 'completed_with_errors' : 'completed';
  await dashboard?.close();
  const stored = await stores.end(status, counters());
  await closed;
  interruption.dispose();
  if (retainS !== null && (stores.active || args.options.has('clickhouse'))) {
    const { pruneLine, pruneStores } = await import('./prune.js');
    const pruned = await pruneStores(args, retainS);
    if (!args.options.has('quiet')) process.stderr.write(`${pruneLine(pruned)}\n`);
  }
  // when nothing could be read, the errors said everything: no summary of zeros
  if (stored && showSummary && !everyInputFailed) process.stderr.write(`${stored}\n`);
  const elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
  if (showSummary && !everyInputFailed) process.stdout.write(summary.render(run.stats(), run.anomalies().toObject(), elapsedS, processed));
  if (interruptedBy !== null) {
    const kept = stores.active ? 'the flows seen so far were stored; the run is marked interrupted' : 'the flows seen so far were written';
    process.stderr.write(`sonde: interrupted (${interruptedBy}) after ${run.records.toLocaleString('en-US')} packets: ${kept}\n`);
    return { exitCode: interruption.exitStatus };
  }
  return { exitCode: failures > 0 ? 1 : 0 };
}

/** the model shipped with sonde (see README, "Statistical identification") */
export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('../../models/default-protocol.json', import.meta.url));

export function statisticalStage(args: ParsedArgs): StatisticalStage | null {
  const mode = choiceOption(args, 'statistical', ['name', 'check'] as const, 'name');
  const given = args.options.get('model');
  if (args.options.has('no-statistical')) {
    if (given !== undefined || args.options.has('statistical')) throw new UsageError("'--no-statistical' turns the statistical stage off: drop '--model' and '--statistical'");
    return null;
  }
  const path = typeof given === 'string' ? given : DEFAULT_MODEL_PATH;
  // a checkout without the shipped model (removed on purpose) runs without the stage
  if (given === undefined && !existsSync(path)) return null;
  try {
    return new StatisticalStage(loadModel(path), mode);
  } catch (e) {
    if (e instanceof ModelError) throw new InputError(e.message);
    throw e;
  }
}

/** the thresholds detection runs with (defaults, a config file, options); null with --no-detect */
export function detectionThresholds(args: ParsedArgs): Thresholds | null {
  if (args.options.has('no-detect')) {
    if (args.options.has('detect-config') || args.options.has('threshold') || args.options.has('alerts')) {
      throw new UsageError("'--no-detect' turns detection off: drop '--detect-config', '--threshold' and '--alerts'");
    }
    return null;
  }
  const t = cloneThresholds(DEFAULT_THRESHOLDS);
  const config = args.options.get('detect-config');
  try {
    if (typeof config === 'string') {
      let text: string;
      try {
        text = readFileSync(config, 'utf8');
      } catch (e) {
        throw new InputError(`cannot read the detection config '${config}': ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        throw new InputError(`the detection config '${config}' is not JSON: ${(e as Error).message}`);
      }
      applyThresholds(t, parsed);
    }
    const list = args.options.get('threshold');
    if (typeof list === 'string') {
      for (const item of list.split(',').map((x) => x.trim()).filter((x) => x !== '')) {
        const eq = item.indexOf('=');
        if (eq < 0) throw new ThresholdError(`'--threshold' takes kind.key=value items, not '${item}'`);
        setThreshold(t, item.slice(0, eq).trim(), item.slice(eq + 1).trim());
      }
      applyThresholds(t, {});
    }
  } catch (e) {
    if (e instanceof ThresholdError) throw new UsageError(`${typeof config === 'string' && !args.options.has('threshold') ? `${config}: ` : ''}${e.message}`);
    throw e;
  }
  return t;
}

function fileSize(path: string): number {
  if (path === '-') return 0;
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
