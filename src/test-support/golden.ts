import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoPath } from './paths.js';

// Golden outputs: what `sonde analyze --format jsonl` makes of each fixture capture, plus what it
// says on stderr. Compared by the golden test; rewritten by `npm run bless` after a deliberate change.

export const FIXTURES_DIR = repoPath('test', 'fixtures');
export const GOLDEN_DIR = repoPath('test', 'golden');
export const SONDE_BIN = repoPath('bin', 'sonde');

/** real captures we made with tcpdump (not written by the generator) */
export const CAPTURES_DIR = repoPath('test', 'captures');

const isCapture = (f: string): boolean => /\.(pcap|pcapng)$/.test(f);

/** The generated fixture captures. */
export function fixtureNames(): string[] {
  return readdirSync(FIXTURES_DIR).filter(isCapture).sort();
}

/** Every capture with a golden output: the generated fixtures and our own real captures. */
export function goldenCaptureNames(): string[] {
  return [...fixtureNames(), ...readdirSync(CAPTURES_DIR).filter(isCapture).sort()];
}

function capturePath(name: string): string {
  return existsSync(join(FIXTURES_DIR, name)) ? join(FIXTURES_DIR, name) : join(CAPTURES_DIR, name);
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI. `analyze` gets --no-store unless the test chooses a store (--db): tests never
 * write ./sonde.duckdb into the working tree, and parallel test files never share one database.
 */
export function runSonde(args: string[], input?: Uint8Array, env?: Record<string, string>): CliRun {
  const storeChosen = args.some((a) => a === '--db' || a.startsWith('--db=') || a === '--no-store');
  const full = args[0] === 'analyze' && !storeChosen ? [...args, '--no-store'] : args;
  const r = spawnSync(process.execPath, [SONDE_BIN, ...full], { input, encoding: 'utf8', maxBuffer: 256 << 20, env: env ? { ...process.env, ...env } : process.env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The golden text of one fixture: flow records, then the stderr lines, with paths made relative. */
export function goldenOutput(fixture: string): string {
  const path = capturePath(fixture);
  const r = runSonde(['analyze', '--format', 'jsonl', '--idle-timeout', '0', '--active-timeout', '0', path]);
  const stderr = r.stderr.split(path).join(fixture);
  return `${r.stdout}# exit ${r.status}\n${stderr.split('\n').filter((l) => l).map((l) => `# stderr: ${l}\n`).join('')}`;
}

/** every row of every table of a DuckDB store, a JSON line each (values as `sonde query` reads them) */
export async function storeAsText(db: string): Promise<string> {
  // in this process, one open of the store: a `sonde query` per table took ~0.7 s each, ~130 tables
  const { StoreReader } = await import('../storage/duckdb/reader.js');
  const reader = await StoreReader.open(db);
  try {
    const tables = await reader.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'");
    let text = '';
    for (const [name] of tables.rows) {
      const { columns, rows } = await reader.query(`SELECT * FROM "${String(name).replace(/"/g, '""')}"`);
      for (const r of rows) text += `${JSON.stringify(Object.fromEntries(columns.map((c, k) => [c, r[k]])))}\n`;
    }
    return text;
  } finally {
    reader.close();
  }
}
