import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createCaptureParser } from '../capture/parser.js';
import { Engine, type EngineOptions } from '../engine/engine.js';
import { flowRecord, type FlowView } from '../flow/schema.js';
import { createDpiEngine, type DpiEngine } from '../dpi/index.js';

let dpiEngine: DpiEngine | null = null;
/** one DPI engine for a whole corpus run, like one `sonde analyze` over many files */
function sharedDpi(): DpiEngine {
  return (dpiEngine ??= createDpiEngine());
}

// The shared nDPI corpus: where it is, and running sonde's engine over one capture in-process.

import { REPO_ROOT as repoRoot } from './paths.js';

/** ../shared/corpus/ndpi beside the repository, or $SONDE_NDPI_CORPUS; null when absent. */
export function ndpiCorpusDir(): string | null {
  const dir = process.env['SONDE_NDPI_CORPUS'] ?? join(repoRoot, '..', 'shared', 'corpus', 'ndpi');
  return existsSync(join(dir, 'expected-flows.jsonl')) && existsSync(join(dir, 'pcap')) ? dir : null;
}

export const CORPUS_MISSING_MESSAGE =
  'nDPI corpus not found at ../shared/corpus/ndpi (set SONDE_NDPI_CORPUS to its folder to run this test)';

export interface ExpectedFlow {
  pcap: string;
  proto_l4: string;
  src: string;
  sport: number;
  dst: string;
  dport: number;
  vlan: number | null;
  tunnel: string | null;
  label: string;
  app: string | null;
  master: string | null;
  confidence: string;
  hostname: string | null;
  ja4: string | null;
  pkts_c2s: number;
  bytes_c2s: number;
  pkts_s2c: number;
  bytes_s2c: number;
  [k: string]: unknown;
}

export function readExpectedFlows(dir: string): ExpectedFlow[] {
  return readFileSync(join(dir, 'expected-flows.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as ExpectedFlow);
}

export function corpusCaptures(dir: string): string[] {
  return readdirSync(join(dir, 'pcap')).sort();
}

/** the part of the shared corpus identification is developed on, and the part kept aside to measure it */
export type CorpusPart = 'development' | 'held-out';

const HELD_OUT_LIST = join(repoRoot, 'test', 'held-out-captures.txt');

/** The captures kept aside (test/held-out-captures.txt): scored, never looked into. */
export function heldOutCaptures(): ReadonlySet<string> {
  const names = readFileSync(HELD_OUT_LIST, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  return new Set(names);
}

/** The corpus's captures in one part. */
export function corpusPart(dir: string, part: CorpusPart): string[] {
  const heldOut = heldOutCaptures();
  return corpusCaptures(dir).filter((c) => heldOut.has(c) === (part === 'held-out'));
}

export interface CaptureRun {
  records: Record<string, unknown>[];
  warnings: string[];
  stopped: boolean;
  error: string | null;
  packets: number;
  anomalies: Record<string, number>;
}

/** Runs the engine over one capture file, in memory, the way `sonde analyze --format jsonl` does; onFlow sees each ended flow too. */
export function runCapture(path: string, options: EngineOptions, onFlow?: (view: FlowView) => void): CaptureRun {
  const records: Record<string, unknown>[] = [];
  const name = path.split('/').pop()!;
  const view: FlowView = { table: null as never, id: 0, capture: name, endReason: 'end', dpi: null };
  const dpi = options.dpi === undefined ? sharedDpi() : options.dpi;
  view.dpi = dpi?.results ?? null;
  const engine = new Engine({ ...options, dpi }, (table, id, reason) => {
    view.table = table;
    view.id = id;
    view.endReason = reason;
    records.push(flowRecord(view));
    onFlow?.(view);
  });
  const data = readFileSync(path);
  try {
    const parser = createCaptureParser(data, engine.onPacket, engine.anomalies);
    parser.push(data);
    parser.finish();
    engine.flush();
    return { records, warnings: parser.warnings, stopped: parser.stopped, error: null, packets: engine.stats.records, anomalies: engine.anomalies.toObject() };
  } catch (e) {
    engine.flush();
    return { records, warnings: [], stopped: true, error: (e as Error).message, packets: engine.stats.records, anomalies: engine.anomalies.toObject() };
  }
}
