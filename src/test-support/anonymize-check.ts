// `npm run check:anonymize [DIR]`: for each capture in DIR (default: the shared nDPI corpus),
// `sonde anonymize` it, then compare the flows `sonde analyze` finds in the result with those of
// `sonde analyze --pseudonymize` on the original (5-tuple and counters per direction), and count
// tshark's malformed packets in both. Prints one line per capture that differs, then the totals.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ndpiCorpusDir } from './corpus.js';
import { SONDE_BIN } from './golden.js';

const COMPARED = ['l4_proto', 'src', 'sport', 'dst', 'dport', 'vlan', 'tunnel', 'packets_c2s', 'bytes_c2s', 'payload_bytes_c2s', 'packets_s2c', 'bytes_s2c', 'payload_bytes_s2c', 'first_seen', 'last_seen'];
/**
 * Reassembling a fragmented datagram needs the later fragments' data, which anonymize drops: in
 * flows with fragments the payload byte counts are left out of the comparison (packets and bytes
 * stay in it). See README, "Anonymised traces".
 */
const NOT_FOR_FRAGMENTED = new Set(['payload_bytes_c2s', 'payload_bytes_s2c']);
const FLOWS_ONLY = ['--no-store', '--no-dpi', '--no-detect', '--format', 'jsonl', '-q', '--idle-timeout', '0', '--active-timeout', '0'];

interface FlowKey {
  capture: string;
  exact: string;
  /** without the payload byte counts */
  loose: string;
  fragmented: boolean;
}

function flows(args: string[]): FlowKey[] {
  const r = spawnSync(process.execPath, [SONDE_BIN, 'analyze', ...args, ...FLOWS_ONLY], { encoding: 'utf8', maxBuffer: 1 << 30 });
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const rec = JSON.parse(l) as Record<string, unknown>;
      const key = (loose: boolean): string => COMPARED.map((k) => (loose && NOT_FOR_FRAGMENTED.has(k) ? '-' : String(rec[k]))).join(' ');
      return { capture: String(rec['capture']), exact: key(false), loose: key(true), fragmented: Number(rec['fragments_c2s']) + Number(rec['fragments_s2c']) > 0 };
    });
}

/** removes one flow with this key from the list; false when none has it */
function takeOne(list: FlowKey[], match: (f: FlowKey) => boolean): boolean {
  const i = list.findIndex(match);
  if (i < 0) return false;
  list.splice(i, 1);
  return true;
}

/** tshark's count of malformed packets over several captures (merged by mergecap: one tshark start), or null without tshark */
export function malformedTotal(paths: readonly string[], work: string): number | null {
  const merged = join(mkdtempSync(join(work, 'merged-')), 'all.pcapng');
  const m = spawnSync('mergecap', ['-F', 'pcapng', '-w', merged, ...paths], { encoding: 'utf8' });
  if (m.error || m.status !== 0) return null;
  return malformed(merged);
}

/** tshark's count of malformed packets, or null without tshark */
function malformed(path: string): number | null {
  const r = spawnSync('tshark', ['-n', '-r', path, '-Y', '_ws.malformed', '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error) return null;
  return r.stdout.split('\n').filter((l) => l !== '').length;
}

export interface CaptureCheck {
  capture: string;
  /** the anonymised capture */
  output: string;
  flows: number;
  /** flows matched only without their payload byte counts (fragmented datagrams) */
  matchedWithoutPayload: number;
  missing: string[];
  extra: string[];
  malformedIn: number | null;
  malformedOut: number | null;
}

/** Anonymises each capture into `work` (one file per name), then compares with two analyze runs over all of them. */
export function checkCaptures(paths: readonly string[], key: string, work: string, tsharkPerCapture = true): CaptureCheck[] {
  const outDir = mkdtempSync(join(work, 'out-'));
  const outs = paths.map((path) => {
    const out = join(outDir, basename(path).replace(/\.(pcapng|cap)$/, '.pcap'));
    spawnSync(process.execPath, [SONDE_BIN, 'anonymize', path, out, '--key', key], { encoding: 'utf8' });
    return out;
  });
  const expected = flows([...paths, '--pseudonymize', key]);
  const got = flows(outs);
  return paths.map((path, i): CaptureCheck => {
    const name = basename(outs[i]!);
    const mine = expected.filter((f) => f.capture === basename(path));
    const found = got.filter((f) => f.capture === name);
    const unmatched = mine.filter((f) => !takeOne(found, (g) => g.exact === f.exact));
    // a fragmented flow whose payload bytes differ: matched without them
    const missing = unmatched.filter((f) => !(f.fragmented && takeOne(found, (g) => g.loose === f.loose))).map((f) => f.exact);
    const [malformedIn, malformedOut] = tsharkPerCapture ? [malformed(path), malformed(outs[i]!)] : [null, null];
    const matchedWithoutPayload = unmatched.length - missing.length;
    return { capture: basename(path), output: outs[i]!, flows: mine.length, matchedWithoutPayload, missing, extra: found.map((f) => f.exact), malformedIn, malformedOut };
  });
}

export function checkCapture(path: string, key: string, work: string): CaptureCheck {
  return checkCaptures([path], key, work)[0]!;
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
  let captures = 0, flowsTotal = 0, flowsSame = 0, withoutPayload = 0, newMalformed = 0, differing = 0;
  try {
    const names = readdirSync(dir).filter((f) => /\.(pcap|pcapng|cap)$/.test(f)).sort();
    // in batches: two analyze runs per batch instead of two per capture
    for (let i = 0; i < names.length; i += 20) {
      for (const c of checkCaptures(names.slice(i, i + 20).map((n) => join(dir, n)), key, work)) {
        captures++;
        flowsTotal += c.flows;
        flowsSame += c.flows - c.missing.length - c.matchedWithoutPayload;
        withoutPayload += c.matchedWithoutPayload;
        const worse = c.malformedIn !== null && c.malformedOut !== null && c.malformedOut > c.malformedIn;
        if (worse) newMalformed++;
        if (c.missing.length > 0 || c.extra.length > 0 || worse) {
          differing++;
          process.stdout.write(`${c.capture}: ${c.missing.length} of ${c.flows} flows differ, ${c.extra.length} extra; tshark malformed ${c.malformedIn} → ${c.malformedOut}\n`);
          for (const f of c.missing.slice(0, 2)) process.stdout.write(`  expected ${f}\n`);
          for (const f of c.extra.slice(0, 2)) process.stdout.write(`  found    ${f}\n`);
        }
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const pct = (n: number): string => ((100 * n) / Math.max(1, flowsTotal)).toFixed(2);
  process.stdout.write(`${captures} captures: ${flowsSame} of ${flowsTotal} flows identical (${pct(flowsSame)}%), ${withoutPayload} more the same but for the payload bytes of fragmented datagrams (${pct(withoutPayload)}%); ${differing} captures with flows that differ; ${newMalformed} with more malformed packets in tshark\n`);
}

if (process.argv[1]?.endsWith('anonymize-check.js')) main();
