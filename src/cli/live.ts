import { type ChildProcess, spawn } from 'node:child_process';
import { DEFAULT_ENGINE_OPTIONS } from '../engine/engine.js';
import { type CaptureRun, LocalCaptureRun } from '../engine/capture-run.js';
import { ShardedCaptureRun } from '../engine/sharded.js';
import { createDpiEngine } from '../dpi/index.js';
import { alertLine, type AlertHandler } from '../detect/alert.js';
import { FloodScanDetector } from '../detect/detector.js';
import { flowRecord, type FlowView } from '../flow/schema.js';
import { ProtocolSummary } from '../output/summary.js';
import { choiceOption, durationSeconds, helpText, integerOption, numberOption, parseArgs, type OptionSpec, UsageError } from './args.js';
import { detectionThresholds, statisticalStage, udpTunnelsOption } from './analyze.js';
import { CHUNK_BYTES, InputError } from './input.js';
import { Interruption } from './interruption.js';
import { LineWriter } from './writer.js';
import { outputPrivacyOption, PRIVACY_OPTIONS, privateHandlers } from './privacy.js';
import { checkServeOptions, LISTEN_OPTIONS, SERVE_WHILE_WRITING } from './serve-options.js';
import { openStores, STORE_FEATURES_OPTION, serveWhileWriting } from './stores.js';

// `sonde live`: a probe on an interface. Packets come from a capture tool run as a child
// (tcpdump -U -w -, or dumpcap -w -): no native addon, and the capture privileges stay with that
// tool. The same pipeline as `analyze` runs on its output; flows are stored as they end, long
// ones every --active-timeout, and alerts as they fire. A tool that dies is restarted with
// backoff; one that cannot start (missing, no permission, no such interface) is one line, exit 1.

const MAX_WORKERS = 64;
const MAX_FLOWS = 2 ** 31 - 1;
const LIVE_ACTIVE_TIMEOUT_S = 300;
const STATUS_EVERY_MS = 5000;
const RETAIN_EVERY_MS = 3_600_000;
const MAX_BACKOFF_S = 30;

export const LIVE_OPTIONS: OptionSpec[] = [
  { name: 'interface', short: 'i', value: true, valueName: 'IFACE', help: 'the interface to capture on (required; see ip link)' },
  { name: 'bpf', value: true, valueName: 'FILTER', help: "a capture filter in tcpdump's syntax, e.g. 'not port 22'" },
  { name: 'capture-tool', value: true, valueName: 'tcpdump|dumpcap', help: 'the program that captures (default tcpdump)' },
  { name: 'duration', value: true, valueName: 'S', help: 'stop after S seconds (default: run until SIGINT or SIGTERM)' },
  { name: 'db', value: true, valueName: 'PATH', help: 'the DuckDB store to append to (default ./sonde.duckdb)' },
  { name: 'no-store', value: false, help: 'do not write flows to the DuckDB store' },
  STORE_FEATURES_OPTION,
  { name: 'clickhouse', value: true, valueName: 'URL', help: 'also write flows to ClickHouse over HTTP' },
  { name: 'spool', value: true, valueName: 'DIR', help: 'where ClickHouse batches wait while the server is down (default ./sonde-spool)' },
  { name: 'workers', value: true, valueName: 'N', help: 'analyse on N threads (default 1)' },
  { name: 'idle-timeout', value: true, valueName: 'S', help: `write a flow after S seconds without packets (default ${DEFAULT_ENGINE_OPTIONS.idleTimeoutS})` },
  { name: 'active-timeout', value: true, valueName: 'S', help: `write a long flow every S seconds, continuing in a new record (default ${LIVE_ACTIVE_TIMEOUT_S})` },
  { name: 'max-flows', value: true, valueName: 'N', help: `live flows at most; the least recently active is written beyond it (default ${DEFAULT_ENGINE_OPTIONS.maxFlows})` },
  { name: 'stats-every', value: true, valueName: 'S', help: 'write the status as a JSON line to standard error every S seconds (also when not on a terminal)' },
  { name: 'output', short: 'o', value: true, valueName: 'FILE', help: 'also write flow records (jsonl) to FILE' },
  { name: 'alerts', value: true, valueName: 'FILE', help: "write alerts as JSON lines to FILE ('-': standard output) as they start and end" },
  { name: 'no-detect', value: false, help: 'no flood and scan detection' },
  { name: 'detect-config', value: true, valueName: 'FILE', help: 'detection thresholds from a JSON file' },
  { name: 'threshold', value: true, valueName: 'LIST', help: 'thresholds as kind.key=value, comma-separated' },
  { name: 'no-dpi', value: false, help: 'track flows only: no protocol or application identification' },
  { name: 'model', value: true, valueName: 'FILE', help: 'the statistical model (default: the shipped one)' },
  { name: 'no-statistical', value: false, help: 'no statistical identification' },
  { name: 'statistical', value: true, valueName: 'name|check', help: 'as for analyze' },
  { name: 'hide-names', value: false, help: 'identify without SNI, HTTP Host, DNS names (as for analyze)' },
  { name: 'udp-tunnels', value: true, valueName: 'LIST', help: 'as for analyze' },
  ...PRIVACY_OPTIONS,
  { name: 'retain', value: true, valueName: 'DURATION', help: 'keep DURATION of flows and alerts (e.g. 30d): older ones are deleted at the start and every hour (see sonde prune)' },
  SERVE_WHILE_WRITING,
  ...LISTEN_OPTIONS,
  { name: 'quiet', short: 'q', value: false, help: 'no status line and no summary at the end' },
  { name: 'help', short: 'h', value: false, help: 'show this help' },
];

const LIVE_USAGE = `Usage: sonde live -i IFACE [--bpf FILTER] [--db PATH | --no-store] [--duration S] [options]

Captures on IFACE with tcpdump (or dumpcap), identifies and stores the flows as they end, and
raises flood and scan alerts (on standard error, in the store, and with --alerts). SIGINT or
SIGTERM stops the capture, writes every flow, closes the store and exits 0.`;

interface ToolExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** the tool's own words, without its banner lines */
  message: string;
  /** a failure to start the program at all (ENOENT, EACCES) */
  spawnError: NodeJS.ErrnoException | null;
}

/** the command that writes a pcap stream of IFACE to standard output */
export function captureCommand(tool: 'tcpdump' | 'dumpcap', iface: string, bpf: string | null): [string, string[]] {
  if (tool === 'dumpcap') return ['dumpcap', ['-q', '-i', iface, '-P', '-w', '-', ...(bpf ? ['-f', bpf] : [])]];
  return ['tcpdump', ['-i', iface, '-U', '-w', '-', '-s', '0', '-n', ...(bpf ? [bpf] : [])]];
}

/** what to tell a user whose capture tool would not start */
export function explainToolFailure(tool: string, exit: ToolExit): string {
  if (exit.spawnError?.code === 'ENOENT') return `'${tool}' is not installed (apt-get install ${tool === 'dumpcap' ? 'wireshark-common' : 'tcpdump'}), or choose another with --capture-tool`;
  if (exit.spawnError) return `cannot run '${tool}': ${exit.spawnError.message}`;
  const m = exit.message || `exited with status ${exit.code ?? exit.signal}`;
  if (/permission|not permitted|privilege/i.test(m)) return `${tool}: ${m} (run as root, or give ${tool} the capture capability: setcap cap_net_raw,cap_net_admin=eip $(command -v ${tool}))`;
  if (/no such device|doesn't exist|no such interface|no device named|not found|unknown interface/i.test(m)) return `${tool}: ${m} (check the interface name: ip link)`;
  if (/syntax error|can't parse filter|illegal|expression/i.test(m)) return `${tool}: ${m} (check the --bpf filter)`;
  return `${tool}: ${m}`;
}

const BANNER = /^(listening on|tcpdump: verbose output suppressed|tcpdump: listening on|Capturing on|File: -|\d+ packets? (captured|received by filter|dropped by kernel))/;

export async function live(argv: string[]): Promise<number> {
  const args = parseArgs(argv, LIVE_OPTIONS, 'live');
  if (args.options.has('help')) {
    process.stdout.write(helpText(LIVE_USAGE, LIVE_OPTIONS));
    return 0;
  }
  const iface = args.options.get('interface');
  if (typeof iface !== 'string' || iface === '') throw new UsageError("no interface given: 'sonde live -i IFACE' (see ip link)");
  if (args.positionals.length > 0) throw new UsageError(`unexpected '${args.positionals[0]}': 'sonde live' captures on -i IFACE (for files: 'sonde analyze')`);
  const tool = choiceOption(args, 'capture-tool', ['tcpdump', 'dumpcap'] as const, 'tcpdump');
  const bpfOption = args.options.get('bpf');
  const bpf = typeof bpfOption === 'string' ? bpfOption : null;
  const durationS = args.options.has('duration') ? numberOption(args, 'duration', 0, 0.001) : 0;
  const statsEveryS = args.options.has('stats-every') ? numberOption(args, 'stats-every', 0, 0.1) : 0;
  const workers = integerOption(args, 'workers', 1, 1, MAX_WORKERS);
  const engineOptions = {
    idleTimeoutS: numberOption(args, 'idle-timeout', DEFAULT_ENGINE_OPTIONS.idleTimeoutS),
    activeTimeoutS: numberOption(args, 'active-timeout', LIVE_ACTIVE_TIMEOUT_S),
    maxFlows: integerOption(args, 'max-flows', DEFAULT_ENGINE_OPTIONS.maxFlows, 1, MAX_FLOWS),
    udpTunnels: udpTunnelsOption(args),
  };
  const quiet = args.options.has('quiet');
  const retain = args.options.get('retain');
  const retainS = typeof retain === 'string' ? durationSeconds(retain, 'retain') : retain === true ? durationSeconds('', 'retain') : null;
  const thresholds = detectionThresholds(args);
  const privacy = outputPrivacyOption(args);
  const serveChoice = checkServeOptions(args, 'live');
  const openWriter = (path: string, what: string): LineWriter => {
    try {
      // flushed line by line: a reader follows the file as it grows
      return path === '-' ? LineWriter.toStdout(0) : LineWriter.toFile(path, 0);
    } catch (e) {
      throw new InputError(`cannot write ${what} '${path}': ${(e as Error).message}`);
    }
  };
  const outputPath = args.options.get('output');
  const alertsPath = args.options.get('alerts');
  if (outputPath === '-' && alertsPath === '-') throw new UsageError("flow records and alerts cannot both go to standard output: give one of them a file");
  const writer = typeof outputPath === 'string' ? openWriter(outputPath, 'flow records to') : null;
  const alertWriter = typeof alertsPath === 'string' ? openWriter(alertsPath, 'alerts to') : null;

  const interruption = new Interruption(() => stop());
  const dpi = args.options.has('no-dpi') ? null : createDpiEngine();
  if (dpi) dpi.hideNames = args.options.has('hide-names');
  const statistical = dpi ? statisticalStage(args) : null;
  const name = `live:${iface}`;
  const stores = await openStores(args, [name]);
  const dashboard = serveChoice ? await serveWhileWriting(stores, serveChoice, 'live') : null;
  const summary = new ProtocolSummary();
  if (thresholds) summary.alerts = [];
  const tty = process.stderr.isTTY === true && !quiet;
  let statusShown = false;
  const clearStatus = (): void => {
    if (statusShown) process.stderr.write('\r\x1b[2K');
    statusShown = false;
  };
  let openAlerts = 0;
  let alertsRaised = 0;
  const writeAlert: AlertHandler = (alert, phase) => {
    if (phase === 'start') {
      openAlerts++;
      alertsRaised++;
    } else {
      openAlerts--;
      summary.alerts?.push(alert);
    }
    clearStatus();
    process.stderr.write(`${alertLine(alert, phase)}\n`);
    alertWriter?.write(JSON.stringify(alert) + '\n');
    stores.addAlert(alert, phase);
  };
  const writeFlow = (view: FlowView): void => {
    summary.add(view.table, view.id, view.dpi);
    writer?.write(JSON.stringify(flowRecord(view)) + '\n');
    stores.add(view);
  };
  const { onFlow, onAlert } = privateHandlers(privacy, writeFlow, writeAlert);
  const detector = thresholds && workers === 1 ? new FloodScanDetector(thresholds, onAlert) : null;
  const run: CaptureRun =
    workers > 1
      ? new ShardedCaptureRun(workers, CHUNK_BYTES, engineOptions, dpi, onFlow, undefined, statistical, thresholds ? { thresholds, onAlert } : null)
      : new LocalCaptureRun({ ...engineOptions, statistical, detector }, dpi, onFlow);

  let stopping = false;
  let child: ChildProcess | null = null;
  let dropped = 0;
  let restarts = 0;
  const started = Date.now();
  function stop(): void {
    stopping = true;
    child?.kill('SIGTERM');
    wakeBackoff?.();
  }
  let wakeBackoff: (() => void) | null = null;
  const durationTimer = durationS > 0 ? setTimeout(stop, durationS * 1000) : null;

  const status = (): Record<string, unknown> => {
    const stats = run.stats();
    const top = summary.topNames(3);
    const memory = process.memoryUsage();
    return {
      time: new Date().toISOString(), interface: iface, packets: stats.records, bytes: stats.wireBytes, dropped,
      live_flows: stats.flowsCreated - stats.flowsEnded + stats.flowsContinued, flows_stored: stats.flowsEnded, top_applications: top,
      rss_mib: Math.round(memory.rss / 1048576), heap_mib: Math.round(memory.heapUsed / 1048576), external_mib: Math.round(memory.external / 1048576),
      alerts_open: openAlerts, alerts: alertsRaised, capture_restarts: restarts,
    };
  };
  const showStatus = (): void => {
    if (!tty) return;
    const s = status();
    const top = (s['top_applications'] as { name: string; share: number }[]).map((t) => `${t.name} ${Math.round(t.share * 100)}%`).join(', ');
    process.stderr.write(`\r\x1b[2K${iface}: ${num(s['packets'] as number)} packets (${num(dropped)} dropped), ${num(s['live_flows'] as number)} live flows, ${num(s['flows_stored'] as number)} written${top ? `; ${top}` : ''}; ${openAlerts} alert${openAlerts === 1 ? '' : 's'} open`);
    statusShown = true;
  };
  const statusTimer = setInterval(() => {
    if (tool === 'tcpdump') child?.kill('SIGUSR1'); // tcpdump reports its counters, drops included
    showStatus();
  }, STATUS_EVERY_MS);
  // retention: at the start, then every hour, in the writing process (no other may open the store)
  let pruning: Promise<void> = Promise.resolve();
  const prune = (): void => {
    if (retainS === null || !stores.active) return;
    pruning = pruning.then(async () => {
      const cutoff = Date.now() * 1000 - retainS * 1e6;
      try {
        const r = await stores.prune(cutoff);
        if ((r.flows > 0 || r.partitions > 0) && !quiet) {
          clearStatus();
          process.stderr.write(`sonde: retention: deleted ${num(r.flows)} flows that ended before ${new Date(cutoff / 1000).toISOString()}${r.partitions > 0 ? ` and ${r.partitions} ClickHouse partitions` : ''}\n`);
        }
      } catch (e) {
        clearStatus();
        process.stderr.write(`sonde: retention: could not prune the store: ${(e as Error).message.split('\n')[0]}\n`);
      }
    });
  };
  prune();
  const retainTimer = retainS !== null ? setInterval(prune, RETAIN_EVERY_MS) : null;
  const statsTimer = statsEveryS > 0 ? setInterval(() => process.stderr.write(`${JSON.stringify(status())}\n`), statsEveryS * 1000) : null;
  // without packets, time still passes: flows time out and detection windows close
  const clockTimer = setInterval(() => {
    if (run instanceof LocalCaptureRun) run.tick(Date.now() * 1000);
  }, 1000);

  let exitCode = 0;
  let backoffS = 1;
  try {
    for (let attempt = 0; !stopping; attempt++) {
      const [command, commandArgs] = captureCommand(tool, iface, bpf);
      const startedAt = Date.now();
      const c = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = c;
      let stderrText = '';
      c.stderr!.setEncoding('utf8');
      c.stderr!.on('data', (text: string) => {
        stderrText = (stderrText + text).slice(-8192);
        const drops = /(\d+) packets? dropped by kernel/g;
        for (let m = drops.exec(stderrText); m !== null; m = drops.exec(stderrText)) dropped = Math.max(dropped, Number(m[1]));
      });
      let spawnError: NodeJS.ErrnoException | null = null;
      const exited = new Promise<ToolExit>((resolve) => {
        c.on('error', (e: NodeJS.ErrnoException) => {
          spawnError = e;
          resolve({ code: null, signal: null, message: '', spawnError: e });
        });
        c.on('close', (code, signal) => resolve({ code, signal, message: toolMessage(stderrText), spawnError }));
      });
      let begun = false;
      let head: Uint8Array | null = null;
      try {
        for await (let chunk of c.stdout! as AsyncIterable<Uint8Array>) {
          if (!begun) {
            head = head === null ? Uint8Array.from(chunk) : Buffer.concat([head, chunk]);
            if (head.length < 24) continue;
            run.begin(name, head);
            begun = true;
            chunk = head;
          }
          const pushed = run.push(chunk);
          if (pushed) await pushed;
          const drained = stores.drain();
          drained.catch(() => undefined);
          await interruption.orSignal(drained);
        }
      } finally {
        if (begun) await run.end();
      }
      const exit = await exited;
      child = null;
      if (stopping) break;
      const ranS = (Date.now() - startedAt) / 1000;
      if (attempt === 0 && !begun && (exit.spawnError || (exit.code !== 0 && ranS < 10))) {
        clearStatus();
        process.stderr.write(`sonde: cannot capture on '${iface}': ${explainToolFailure(tool, exit)}\n`);
        exitCode = 1;
        break;
      }
      if (ranS > 60) backoffS = 1;
      restarts++;
      clearStatus();
      process.stderr.write(`sonde: the capture tool stopped (${exit.message || `status ${exit.code ?? exit.signal}`}); restarting in ${backoffS} s\n`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, backoffS * 1000);
        wakeBackoff = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wakeBackoff = null;
      backoffS = Math.min(MAX_BACKOFF_S, backoffS * 2);
    }
  } finally {
    clearInterval(statusTimer);
    clearInterval(clockTimer);
    if (statsTimer) clearInterval(statsTimer);
    if (retainTimer) clearInterval(retainTimer);
    if (durationTimer) clearTimeout(durationTimer);
    child?.kill('SIGTERM');
  }
  const closed = run.close();
  writer?.close();
  alertWriter?.close();
  clearStatus();
  const counters = { packets: run.stats().records, bytes: run.stats().wireBytes, flows: run.stats().flowsEnded };
  await pruning;
  await dashboard?.close();
  const stored = await stores.end(exitCode === 0 ? 'completed' : 'failed', counters);
  await closed;
  interruption.dispose();
  if (exitCode === 0 && !quiet) {
    if (stored) process.stderr.write(`${stored}\n`);
    process.stdout.write(summary.render(run.stats(), run.anomalies().toObject(), (Date.now() - started) / 1000, 1, `sonde live on ${iface}`));
    process.stderr.write(`sonde: captured on ${iface} for ${((Date.now() - started) / 1000).toFixed(0)} s: ${num(counters.packets)} packets, ${num(dropped)} dropped by the kernel, ${restarts} capture restart${restarts === 1 ? '' : 's'}\n`);
  }
  return exitCode;
}

/** the tool's first line that is not a banner or a count: its reason */
function toolMessage(stderr: string): string {
  const line = stderr.split('\n').map((l) => l.trim()).find((l) => l !== '' && !BANNER.test(l));
  return (line ?? '').replace(/^(tcpdump|dumpcap): /, '');
}

const num = (n: number): string => n.toLocaleString('en-US');
