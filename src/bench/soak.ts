import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// `npm run bench:soak [-- PCAP] [--minutes M] [--pps N] [--active-timeout S] [--store]`: `sonde live` for M minutes
// (default 10) on a veth pair between two network namespaces made for the run, fed by
// `tcpreplay --loop 0` of a capture of real traffic (default bench-out/big.pcap, else the
// corpus's merged capture). RSS of the sonde process is sampled every 10 s; the slope of a
// least-squares line over the samples after the warm-up (the active timeout plus a minute) says whether memory is flat.
// Needs root, iproute2, tcpdump and tcpreplay.

const ROOT = resolve(fileURLToPath(new URL('../../', import.meta.url)));
const SONDE = join(ROOT, 'bin', 'sonde');
const SAMPLE_S = 10;

function fail(message: string): never {
  process.stderr.write(`soak: ${message}\n`);
  process.exit(1);
}

const sh = (cmd: string, args: string[]): boolean => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;

function parse(argv: string[]): { pcap: string; minutes: number; pps: number; store: boolean; activeTimeoutS: number } {
  let pcap: string | null = null;
  let minutes = 10;
  let pps = 20_000;
  let store = false;
  let activeTimeoutS = 300;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--minutes') minutes = Number(argv[++i]);
    else if (a === '--pps') pps = Number(argv[++i]);
    else if (a === '--store') store = true;
    else if (a === '--active-timeout') activeTimeoutS = Number(argv[++i]);
    else if (!a.startsWith('-')) pcap = a;
    else fail(`unknown option '${a}' (--minutes M, --pps N, --active-timeout S, --store, PCAP)`);
  }
  if (!(minutes > 0) || !(pps > 0) || !(activeTimeoutS > 0)) fail('--minutes, --pps and --active-timeout need positive numbers');
  pcap ??= [join(ROOT, 'bench-out', 'big.pcap'), join(ROOT, 'bench-out', 'merged.pcap')].find((p) => existsSync(p)) ?? null;
  if (pcap === null) fail("no capture: give one, or build bench-out/big.pcap first ('npm run bench' does)");
  return { pcap, minutes, pps, store, activeTimeoutS };
}

function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

/** least-squares slope of y over x */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0, den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  for (const tool of ['ip', 'tcpdump', 'tcpreplay']) if (!sh('sh', ['-c', `command -v ${tool}`])) fail(`'${tool}' is not installed (apt-get install iproute2 tcpdump tcpreplay)`);
  const tag = `soak${process.pid % 10_000}`;
  const nsA = `${tag}-a`, nsB = `${tag}-b`;
  const cleanup = (): void => {
    sh('ip', ['netns', 'del', nsA]);
    sh('ip', ['netns', 'del', nsB]);
  };
  const steps = [
    ['netns', 'add', nsA], ['netns', 'add', nsB],
    ['link', 'add', `${tag}a`, 'type', 'veth', 'peer', 'name', `${tag}b`],
    ['link', 'set', `${tag}a`, 'netns', nsA], ['link', 'set', `${tag}b`, 'netns', nsB],
    ['-n', nsA, 'link', 'set', `${tag}a`, 'up'], ['-n', nsB, 'link', 'set', `${tag}b`, 'up'],
  ];
  for (const s of steps) if (!sh('ip', s)) {
    cleanup();
    fail(`ip ${s.join(' ')} failed (run as root)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'sonde-soak-'));
  const store = o.store ? ['--db', join(dir, 'soak.duckdb')] : ['--no-store'];
  let sonde: ChildProcess | null = null;
  let replay: ChildProcess | null = null;
  process.on('SIGINT', () => {
    sonde?.kill('SIGTERM');
    replay?.kill('SIGTERM');
  });
  try {
    sonde = spawn('ip', ['netns', 'exec', nsA, process.execPath, SONDE, 'live', '-i', `${tag}a`, ...store, '-q', '--active-timeout', String(o.activeTimeoutS), '--stats-every', String(SAMPLE_S)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let last: Record<string, unknown> = {};
    let errors = '';
    sonde.stderr!.setEncoding('utf8');
    sonde.stderr!.on('data', (t: string) => {
      for (const line of t.split('\n')) {
        if (line.startsWith('{')) last = JSON.parse(line) as Record<string, unknown>;
        else if (line.trim()) errors = (errors + line + '\n').slice(-2000);
      }
    });
    await new Promise((r) => setTimeout(r, 2000));
    replay = spawn('ip', ['netns', 'exec', nsB, 'tcpreplay', '-q', '--loop', '0', '--pps', String(o.pps), '-i', `${tag}b`, o.pcap], { stdio: 'ignore' });
    // memory rises while the replayed flows fill the table and keep their state, until the active
    // timeout first writes them: the slope is measured after that, plus a minute
    const warmUpS = o.activeTimeoutS + 60;
    if (warmUpS >= o.minutes * 60) fail(`--minutes ${o.minutes} leaves no time after the warm-up (--active-timeout + 1 min = ${warmUpS} s)`);
    const xs: number[] = [], ys: number[] = [];
    const started = Date.now();
    process.stdout.write(`soak: sonde live --active-timeout ${o.activeTimeoutS} for ${o.minutes} min, ${o.pps.toLocaleString('en-US')} packets/s from ${o.pcap}${o.store ? ', with the DuckDB store' : ''}\n`);
    process.stdout.write(`| minute | RSS (MiB) | JS heap (MiB) | buffers (MiB) | packets | dropped | live flows | flows written |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n`);
    while (Date.now() - started < o.minutes * 60_000 && sonde.exitCode === null) {
      await new Promise((r) => setTimeout(r, SAMPLE_S * 1000));
      const t = (Date.now() - started) / 1000;
      const rss = rssKb(sonde.pid!) / 1024;
      if (t >= warmUpS) {
        xs.push(t);
        ys.push(rss);
      }
      process.stdout.write(`| ${(t / 60).toFixed(1)} | ${rss.toFixed(1)} | ${String(last['heap_mib'] ?? '')} | ${String(last['external_mib'] ?? '')} | ${Number(last['packets'] ?? 0).toLocaleString('en-US')} | ${Number(last['dropped'] ?? 0).toLocaleString('en-US')} | ${Number(last['live_flows'] ?? 0).toLocaleString('en-US')} | ${Number(last['flows_stored'] ?? 0).toLocaleString('en-US')} |\n`);
    }
    if (sonde.exitCode !== null) fail(`sonde stopped early (exit ${sonde.exitCode}): ${errors}`);
    const perHour = slope(xs, ys) * 3600;
    const mean = ys.reduce((a, b) => a + b, 0) / Math.max(1, ys.length);
    process.stdout.write(`\nslope after the first ${(warmUpS / 60).toFixed(1)} min: ${perHour >= 0 ? '+' : ''}${perHour.toFixed(1)} MiB/hour (${xs.length} samples, mean ${mean.toFixed(1)} MiB, ${((100 * perHour) / Math.max(mean, 1)).toFixed(1)}% of it per hour)\n`);
  } finally {
    replay?.kill('SIGTERM');
    sonde?.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 3000));
    cleanup();
  }
}

void main();
