// `npm run check:anonymize [DIR]`: for each capture in DIR (default: the shared nDPI corpus),
// `sonde anonymize` it, then compare the flows `sonde analyze` finds in the result with those of
// `sonde analyze --pseudonymize` on the original (5-tuple and counters per direction), and count
// tshark's malformed packets in both. Prints one line per capture that differs, then the totals.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ndpiCorpusDir } from './corpus.js';
import { SONDE_BIN } from './golden.js';

const COMPARED = ['l4_proto', 'src', 'sport', 'dst', 'dport', 'vlan', 'tunnel', 'packets_c2s', 'bytes_c2s', 'payload_bytes_c2s', 'packets_s2c', 'bytes_s2c', 'payload_bytes_s2c', 'first_seen', 'last_seen'];
const FLOWS_ONLY = ['--no-store', '--no-dpi', '--no-detect', '--format', 'jsonl', '-q', '--idle-timeout', '0', '--active-timeout', '0'];

function flows(args: string[]): string[] {
  const r = spawnSync(process.execPath, [SONDE_BIN, 'analyze', ...args, ...FLOWS_ONLY], { encoding: 'utf8', maxBuffer: 1 << 30 });
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const rec = JSON.parse(l) as Record<string, unknown>;
      return COMPARED.map((k) => String(rec[k])).join(' ');
    })
    .sort();
}

/** tshark's count of malformed packets, or null without tshark */
function malformed(path: string): number | null {
  const r = spawnSync('tshark', ['-n', '-r', path, '-Y', '_ws.malformed', '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error) return null;
  return r.stdout.split('\n').filter((l) => l !== '').length;
}

export interface CaptureCheck {
  capture: string;
  flows: number;
  missing: string[];
  extra: string[];
  malformedIn: number | null;
  malformedOut: number | null;
}

export function checkCapture(path: string, key: string, work: string): CaptureCheck {
  const out = join(work, 'anonymized.pcap');
  spawnSync(process.execPath, [SONDE_BIN, 'anonymize', path, out, '--key', key], { encoding: 'utf8' });
  const expected = flows([path, '--pseudonymize', key]);
  const got = flows([out]);
  const left = new Map<string, number>();
  for (const f of got) left.set(f, (left.get(f) ?? 0) + 1);
  const missing: string[] = [];
  for (const f of expected) {
    const n = left.get(f) ?? 0;
    if (n === 0) missing.push(f);
    else left.set(f, n - 1);
  }
  const extra = [...left].flatMap(([f, n]) => Array<string>(n).fill(f));
  return { capture: path.split('/').pop()!, flows: expected.length, missing, extra, malformedIn: malformed(path), malformedOut: malformed(out) };
}

function main(): void {
  const dir = process.argv[2] ?? (ndpiCorpusDir() ? join(ndpiCorpusDir()!, 'pcap') : null);
  if (dir === null) {
    process.stderr.write('no captures: give a folder (npm run check:anonymize -- DIR), or put the nDPI corpus at ../shared/corpus/ndpi\n');
    process.exit(2);
  }
  const work = mkdtempSync(join(tmpdir(), 'sonde-anoncheck-'));
  const key = join(work, 'key');
  writeFileSync(key, '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n');
  let captures = 0, flowsTotal = 0, flowsSame = 0, newMalformed = 0, differing = 0;
  try {
    for (const name of readdirSync(dir).filter((f) => /\.(pcap|pcapng|cap)$/.test(f)).sort()) {
      const c = checkCapture(join(dir, name), key, work);
      captures++;
      flowsTotal += c.flows;
      flowsSame += c.flows - c.missing.length;
      const worse = c.malformedIn !== null && c.malformedOut !== null && c.malformedOut > c.malformedIn;
      if (worse) newMalformed++;
      if (c.missing.length > 0 || c.extra.length > 0 || worse) {
        differing++;
        process.stdout.write(`${c.capture}: ${c.missing.length} of ${c.flows} flows differ, ${c.extra.length} extra; tshark malformed ${c.malformedIn} → ${c.malformedOut}\n`);
        for (const f of c.missing.slice(0, 2)) process.stdout.write(`  expected ${f}\n`);
        for (const f of c.extra.slice(0, 2)) process.stdout.write(`  found    ${f}\n`);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  process.stdout.write(`${captures} captures: ${flowsSame} of ${flowsTotal} flows the same (${((100 * flowsSame) / Math.max(1, flowsTotal)).toFixed(2)}%); ${differing} captures differ; ${newMalformed} with more malformed packets in tshark\n`);
}

if (process.argv[1]?.endsWith('anonymize-check.js')) main();
