import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildAttackMix } from './attack-mix.js';
import { runSonde, SONDE_BIN } from './golden.js';
import { repoPath } from './paths.js';

// `sonde serve` as a child process for tests and benchmarks: started on a free port, its address
// read from the line it prints, stopped with SIGTERM.

export interface ServeProcess {
  /** http://127.0.0.1:PORT (no trailing slash) */
  base: string;
  /** the token it printed, if any */
  token: string | null;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<number | null>;
}

export function startServe(args: string[], timeoutMs = 20_000): Promise<ServeProcess> {
  const child = spawn(process.execPath, [SONDE_BIN, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sonde serve did not start within ${timeoutMs} ms: ${err}`));
    }, timeoutMs);
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      const m = /the dashboard is at (http:\/\/\S+?)\/(?:\?token=(\S+?))?(?:\s|$)/.exec(err);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        base: m[1]!,
        token: m[2] ? decodeURIComponent(m[2]) : null,
        child,
        stderr: () => err,
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sonde serve exited (${code}) before it listened: ${err.trim()}`));
    });
  });
}

/**
 * The dashboard tests' store, from our own captures: an attack mix (web, DNS and pings among 20
 * clients, a SYN flood on 192.0.2.10 and a vertical scan by 203.0.113.66), then the sample and
 * tunnel fixtures, one run each (the mix's with --store-features); extraArgs go to each analyze
 * (e.g. --clickhouse URL).
 */
export function buildServeStore(db: string, extraArgs: string[] = []): void {
  const mix = join(dirname(db), 'mix.pcap');
  writeFileSync(mix, buildAttackMix({
    seed: 7, durationS: 40,
    attacks: [
      { kind: 'syn_flood', startS: 10, durationS: 4, pps: 3000, target: '192.0.2.10' },
      { kind: 'vertical_scan', startS: 22, durationS: 6, pps: 300, target: '203.0.113.66' },
    ],
  }).pcap);
  for (const capture of [mix, repoPath('test', 'fixtures', 'sample.pcap'), repoPath('test', 'fixtures', 'tunnels.pcap')]) {
    // the mix's run stores the statistical features (flow_features), the others do not
    const r = runSonde(['analyze', capture, '--db', db, '-q', ...(capture === mix ? ['--store-features'] : []), ...extraArgs]);
    if (r.status !== 0) throw new Error(`analyze ${capture}: ${r.stderr}`);
  }
}
