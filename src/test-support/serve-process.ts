import { spawn, type ChildProcess } from 'node:child_process';
import { SONDE_BIN } from './golden.js';

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
