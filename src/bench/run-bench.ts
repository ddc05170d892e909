import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// `npm run bench [-- PCAP] [--runs N] [--only a,b] [--copies N,M,…]`: sonde against ndpiReader on
// one large capture of real traffic, each configuration run in turn (a, b, c, a, b, c, …) so that
// a slow minute of a shared machine hits all of them alike; prints the medians as a Markdown
// table. With --copies, the same on captures of the corpus repeated N, M, … times, to see
// whether speed and memory stay flat from a small input to a large one.

const ROOT = resolve(fileURLToPath(new URL('../../', import.meta.url)));
const SONDE = join(ROOT, 'bin', 'sonde');
const CORPUS = process.env['SONDE_CORPUS'] ?? resolve(ROOT, '..', 'shared', 'corpus', 'ndpi', 'pcap');
const BUILD_TOOL = process.env['SONDE_BENCH_TOOL'] ?? resolve(ROOT, '..', 'shared', 'tools', 'build-bench-pcap');
const OUT_DIR = join(ROOT, 'bench-out');

interface Config {
  name: string;
  what: string;
  /** the command, given the capture and a scratch directory for this run */
  command(pcap: string, scratch: string): string[];
  /** whether it is sonde (its ratio to ndpiReader is shown) */
  sonde: boolean;
}

const CONFIGS: Config[] = [
  { name: 'sonde-1', what: 'sonde analyze --no-store, pinned to one core', sonde: true, command: (p) => ['taskset', '-c', '0', SONDE, 'analyze', p, '--no-store', '-q'] },
  { name: 'sonde-no-statistical', what: 'sonde analyze --no-store --no-statistical, pinned to one core (the statistical stage\'s cost)', sonde: true, command: (p) => ['taskset', '-c', '0', SONDE, 'analyze', p, '--no-store', '--no-statistical', '-q'] },
  { name: 'sonde-no-detect', what: 'sonde analyze --no-store --no-detect, pinned to one core (flood and scan detection\'s cost)', sonde: true, command: (p) => ['taskset', '-c', '0', SONDE, 'analyze', p, '--no-store', '--no-detect', '-q'] },
  { name: 'sonde-nostore', what: 'sonde analyze --no-store (not pinned)', sonde: true, command: (p) => [SONDE, 'analyze', p, '--no-store', '-q'] },
  { name: 'sonde-worker-path', what: 'sonde analyze --no-store, one worker through the workers\' path (SONDE_WORKER_PATH=1, not pinned)', sonde: true, command: (p) => ['env', 'SONDE_WORKER_PATH=1', SONDE, 'analyze', p, '--no-store', '-q'] },
  { name: 'sonde-workers-2', what: 'sonde analyze --no-store --workers 2 (not pinned)', sonde: true, command: (p) => [SONDE, 'analyze', p, '--no-store', '--workers', '2', '-q'] },
  { name: 'sonde-store', what: 'sonde analyze with the DuckDB store (a fresh file each run)', sonde: true, command: (p, s) => [SONDE, 'analyze', p, '--db', join(s, 'bench.duckdb'), '-q'] },
  { name: 'ndpiReader', what: 'ndpiReader -i FILE -q, pinned to the same core', sonde: false, command: (p) => ['taskset', '-c', '0', 'ndpiReader', '-i', p, '-q'] },
];

interface Sample {
  wall: number;
  cpu: number;
  rssKb: number;
}

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(1);
}

interface Args {
  pcap: string | null;
  runs: number;
  only: string[] | null;
  copies: number[] | null;
}

function parseArgs(argv: string[]): Args {
  let pcap: string | null = null;
  let runs = 3;
  let only: string[] | null = null;
  let copies: number[] | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--runs') runs = Number(argv[++i]);
    else if (a === '--only') only = (argv[++i] ?? '').split(',');
    else if (a === '--copies') copies = (argv[++i] ?? '').split(',').map(Number);
    else if (a.startsWith('-')) fail(`unknown option '${a}' (use [PCAP] [--runs N] [--only ${CONFIGS.map((c) => c.name).join(',')}] [--copies 2,67])`);
    else pcap = a;
  }
  if (!Number.isInteger(runs) || runs < 1) fail('--runs needs a whole number of at least 1');
  for (const o of only ?? []) if (!CONFIGS.some((c) => c.name === o)) fail(`no configuration '${o}' (choose from ${CONFIGS.map((c) => c.name).join(', ')})`);
  if (copies && (copies.length < 2 || copies.some((n) => !Number.isInteger(n) || n < 1))) fail('--copies needs two or more whole numbers, such as 2,67');
  if (copies && pcap) fail('--copies builds its own captures: give no PCAP with it');
  return { pcap, runs, only, copies };
}

/** ../shared's corpus concatenated `copies` times with distinct VLAN ids (built once, in bench-out) */
function builtCapture(copies: number): string {
  const dir = copies === 20 ? OUT_DIR : join(OUT_DIR, `copies-${copies}`);
  const big = join(dir, 'big.pcap');
  if (existsSync(big)) return big;
  if (!existsSync(CORPUS) || !existsSync(BUILD_TOOL)) {
    fail(`the corpus (${CORPUS}) or its build tool (${BUILD_TOOL}) is missing: pass a PCAP path`);
  }
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`building ${big} from ${CORPUS} (${copies} copies)…\n`);
  const r = spawnSync(BUILD_TOOL, [CORPUS, dir, String(copies)], { stdio: 'inherit' });
  if (r.status !== 0) fail('build-bench-pcap failed');
  return big;
}

/** the benchmark capture: the one given, or the corpus 20 times */
function benchCapture(given: string | null): string {
  if (!given) return builtCapture(20);
  if (!existsSync(given)) fail(`no capture at '${given}'`);
  return given;
}

/** packets and wire bytes of a classic pcap (records' original lengths) */
function countPcap(path: string): { packets: number; bytes: number } {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(24);
    readSync(fd, head, 0, 24, 0);
    const magic = head.readUInt32LE(0);
    const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
    if (!le && head.readUInt32BE(0) !== 0xa1b2c3d4 && head.readUInt32BE(0) !== 0xa1b23c4d) fail(`${path} is not a classic pcap file`);
    const size = statSync(path).size;
    const rec = Buffer.alloc(16);
    let at = 24;
    let packets = 0;
    let bytes = 0;
    while (at + 16 <= size) {
      readSync(fd, rec, 0, 16, at);
      const incl = le ? rec.readUInt32LE(8) : rec.readUInt32BE(8);
      bytes += le ? rec.readUInt32LE(12) : rec.readUInt32BE(12);
      packets++;
      at += 16 + incl;
    }
    return { packets, bytes };
  } finally {
    closeSync(fd);
  }
}

/** what choosing dissectors costs on the capture (src/bench/dpi-probes.ts) */
function probeCost(pcaps: string[]): { probesPerFlow: number; candidatesPerFlow: number; flows: number } {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'bench', 'dpi-probes.js'), ...pcaps], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) fail(`dpi-probes failed: ${(r.stderr ?? '').trim().split('\n')[0]}`);
  return JSON.parse(r.stdout) as { probesPerFlow: number; candidatesPerFlow: number; flows: number };
}

/** the flows sonde finds in the capture (from its summary) */
function countFlows(pcap: string): number {
  const r = spawnSync(SONDE, ['analyze', pcap, '--no-store'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const m = /^\s*flows\s+([\d,]+)/m.exec(r.stdout ?? '');
  if (r.status !== 0 || !m) fail(`sonde analyze failed on ${pcap}: ${(r.stderr ?? '').trim().split('\n')[0]}`);
  return Number(m[1]!.replace(/,/g, ''));
}

function runOnce(c: Config, pcap: string): Sample {
  const scratch = join(tmpdir(), `sonde-bench-${process.pid}`);
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  try {
    const cmd = c.command(pcap, scratch);
    const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', ...cmd], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const last = (r.stderr ?? '').trim().split('\n').pop() ?? '';
    const m = /^([\d.]+) ([\d.]+) ([\d.]+) (\d+)$/.exec(last);
    if (r.status !== 0 || !m) fail(`${c.name} failed (exit ${r.status}): ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`);
    return { wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), rssKb: Number(m[4]) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface Measured {
  pcap: string;
  packets: number;
  bytes: number;
  flows: number;
  samples: Map<string, Sample[]>;
}

/** every configuration `runs` times on one capture, in turn */
function measure(pcap: string, configs: Config[], runs: number): Measured {
  const { packets, bytes } = countPcap(pcap);
  const flows = countFlows(pcap);
  process.stderr.write(`${pcap}: ${packets.toLocaleString('en-US')} packets, ${(bytes / 1e9).toFixed(2)} GB on the wire, ${flows.toLocaleString('en-US')} flows; ${runs} runs of ${configs.map((c) => c.name).join(', ')}\n`);
  const samples = new Map<string, Sample[]>(configs.map((c) => [c.name, []]));
  for (let i = 0; i < runs; i++) {
    for (const c of configs) {
      const s = runOnce(c, pcap);
      samples.get(c.name)!.push(s);
      process.stderr.write(`  run ${i + 1}/${runs} ${c.name}: ${s.wall.toFixed(2)} s, cpu ${s.cpu.toFixed(2)} s, ${(s.rssKb / 1024).toFixed(0)} MB\n`);
    }
  }
  return { pcap, packets, bytes, flows, samples };
}

const machineLine = (runs: number): string =>
  `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GB; Node ${process.version}; medians of ${runs} runs`;

function comparisonTable(m: Measured, configs: Config[], runs: number): string[] {
  const { pcap, packets, bytes, flows, samples } = m;
  const wallOf = (name: string): number | null => (samples.has(name) ? median(samples.get(name)!.map((s) => s.wall)) : null);
  const ndpi = wallOf('ndpiReader');
  const noStore = wallOf('sonde-nostore');
  const lines = [
    `Capture: ${pcap} (${packets.toLocaleString('en-US')} packets, ${(bytes / 1e9).toFixed(2)} GB, ${flows.toLocaleString('en-US')} flows)`,
    machineLine(runs),
    '',
    '| configuration | wall s | CPU s | packets/s | Gbit/s | flows/s | peak RSS MB | vs ndpiReader |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const c of configs) {
    const ss = samples.get(c.name)!;
    const wall = median(ss.map((s) => s.wall));
    const ratio = ndpi && c.sonde ? `${(ndpi / wall).toFixed(2)}×` : '';
    lines.push(`| ${c.name} | ${wall.toFixed(2)} | ${median(ss.map((s) => s.cpu)).toFixed(2)} | ${Math.round(packets / wall).toLocaleString('en-US')} | ${((bytes * 8) / wall / 1e9).toFixed(2)} | ${Math.round(flows / wall).toLocaleString('en-US')} | ${(median(ss.map((s) => s.rssKb)) / 1024).toFixed(0)} | ${ratio} |`);
  }
  const workerPath = wallOf('sonde-worker-path');
  if (workerPath && noStore) lines.push('', `One worker through the workers' path: ${(workerPath / noStore).toFixed(2)}× the plain path's wall time (medians, neither pinned).`);
  const workers = wallOf('sonde-workers-2');
  if (workers && noStore) lines.push('', `--workers 2: ${(noStore / workers).toFixed(2)}× one worker (medians, neither pinned).`);
  const probes = probeCost([pcap]);
  lines.push('', `DPI: ${probes.probesPerFlow.toFixed(1)} dissector probes and ${probes.candidatesPerFlow.toFixed(2)} candidates per flow that reaches DPI (${probes.flows.toLocaleString('en-US')} flows).`);
  const store = wallOf('sonde-store');
  if (store && noStore) lines.push('', `DuckDB store: ${(((store - noStore) / noStore) * 100).toFixed(1)}% over --no-store (medians, neither pinned).`);
  return lines;
}

const STARTUP_RUNS = 10;

/** start-up: a tiny capture, `top` on a small store, and an empty Node, run in turn */
function startupLines(): string[] {
  const sample = join(ROOT, 'test', 'fixtures', 'sample.pcap');
  const scratch = join(tmpdir(), `sonde-bench-start-${process.pid}`);
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  try {
    const db = join(scratch, 'small.duckdb');
    const made = spawnSync(SONDE, ['analyze', sample, '--db', db, '-q'], { encoding: 'utf8' });
    if (made.status !== 0) fail(`could not make the small store: ${(made.stderr ?? '').trim().split('\n')[0]}`);
    const commands: [string, string[]][] = [
      ['`sonde analyze test/fixtures/sample.pcap --no-store`', [SONDE, 'analyze', sample, '--no-store', '-q']],
      ['`sonde top applications` on a one-capture store', [SONDE, 'top', 'applications', '--db', db]],
      ['`node -e 0`', [process.execPath, '-e', '0']],
    ];
    const walls = commands.map((): number[] => []);
    for (let i = 0; i < STARTUP_RUNS; i++) {
      commands.forEach(([name, cmd], k) => {
        const t0 = process.hrtime.bigint();
        const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8' });
        if (r.status !== 0) fail(`${name} failed: ${(r.stderr ?? '').trim().split('\n')[0]}`);
        walls[k]!.push(Number(process.hrtime.bigint() - t0) / 1e9);
      });
    }
    return ['', `Start-up (medians of ${STARTUP_RUNS} runs in turn): ${commands.map(([name], k) => `${name} ${median(walls[k]!).toFixed(3)} s`).join('; ')}.`];
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** one row per capture size and configuration, then how far the smallest is from the largest */
function flatnessTable(ms: Measured[], configs: Config[], runs: number, copies: number[]): string[] {
  const lines = [
    machineLine(runs),
    '',
    '| copies | capture GB | packets | configuration | wall s | packets/s | peak RSS MB |',
    '|---:|---:|---:|---|---:|---:|---:|',
  ];
  const rate = (m: Measured, c: Config): number => m.packets / median(m.samples.get(c.name)!.map((s) => s.wall));
  const rss = (m: Measured, c: Config): number => median(m.samples.get(c.name)!.map((s) => s.rssKb)) / 1024;
  ms.forEach((m, i) => {
    for (const c of configs) {
      lines.push(`| ${copies[i]} | ${(statSync(m.pcap).size / 1e9).toFixed(2)} | ${m.packets.toLocaleString('en-US')} | ${c.name} | ${median(m.samples.get(c.name)!.map((s) => s.wall)).toFixed(2)} | ${Math.round(rate(m, c)).toLocaleString('en-US')} | ${rss(m, c).toFixed(0)} |`);
    }
  });
  lines.push('');
  const first = ms[0]!;
  const last = ms[ms.length - 1]!;
  for (const c of configs) {
    const pct = (a: number, b: number): string => `${a >= b ? '+' : ''}${(((a - b) / b) * 100).toFixed(1)}%`;
    lines.push(`- ${c.name}: ${copies[0]} copies against ${copies[copies.length - 1]}: packets/s ${pct(rate(first, c), rate(last, c))}, peak RSS ${pct(rss(first, c), rss(last, c))}`);
  }
  return lines;
}

function main(): void {
  const { pcap: given, runs, only, copies } = parseArgs(process.argv.slice(2));
  if (!existsSync('/usr/bin/time')) fail("GNU time is missing: apt-get install -y time");
  const configs = CONFIGS.filter((c) => !only || only.includes(c.name));
  if (configs.some((c) => !c.sonde) && spawnSync('ndpiReader', ['-h']).error) fail('ndpiReader is missing: apt-get install -y libndpi-bin (or --only without it)');
  const lines = copies
    ? flatnessTable(copies.map((n) => measure(builtCapture(n), configs, runs)), configs, runs, copies)
    : [...comparisonTable(measure(benchCapture(given), configs, runs), configs, runs), ...(only ? [] : startupLines())];
  lines.push('', ...configs.map((c) => `- ${c.name}: ${c.what}`));
  process.stdout.write(lines.join('\n') + '\n');
}

main();
