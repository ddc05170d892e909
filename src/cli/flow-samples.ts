import { NotACaptureError } from '../capture/parser.js';
import { extractFeatures, FEATURE_SETS, featureNames } from '../classify/features.js';
import { dpiLabel, StatisticalStage } from '../classify/stage.js';
import { type LabelKind, LABELS } from '../classify/model.js';
import { DEFAULT_ENGINE_OPTIONS } from '../engine/engine.js';
import { LocalCaptureRun } from '../engine/capture-run.js';
import { createDpiEngine } from '../dpi/index.js';
import { CONFIDENCE_NAMES } from '../dpi/runtime/results.js';
import { KEY_WORDS } from '../flow/key.js';
import { type FlowView } from '../flow/schema.js';
import { InputError, openInput } from './input.js';

// What `sonde train` and `sonde evaluate` learn from: every flow of some captures with its
// statistical features (all feature sets; a model picks its columns) and the names sonde's own
// identification gave it, with and without server names (--hide-names: the ECH world).

export const ALL_FEATURES = featureNames(FEATURE_SETS);

export interface FlowLabels {
  protocol: string | null;
  application: string | null;
  category: string | null;
}

export interface FlowSample {
  /** index into SampleSet.captures */
  capture: number;
  packets: number;
  transport: 'tcp' | 'udp' | 'other';
  confidence: string;
  /** ALL_FEATURES.length values */
  features: Float64Array;
  /** what identification named (the truth of training and evaluation) */
  truth: FlowLabels;
  /** what identification named with server names hidden (only with hideNames) */
  hidden: FlowLabels | null;
}

export interface SampleSet {
  captures: string[];
  samples: FlowSample[];
  /** the inputs that could not be read, one line each */
  errors: string[];
}

/** confidences whose names are the truth: found by identification, not guessed from a port, nor by statistics */
const TRUSTED = new Set<string>(['dpi', 'dns-cache', 'socket-cache', 'ip']);

export function labelOf(s: FlowSample, kind: LabelKind, hidden = false): string | null {
  const labels = hidden ? s.hidden : s.truth;
  if (!labels) return null;
  if (!hidden && !TRUSTED.has(s.confidence)) return null;
  return labels[kind];
}

function labels(view: FlowView): FlowLabels {
  const r = view.dpi!;
  const out = {} as FlowLabels;
  for (const kind of LABELS) out[kind] = dpiLabel(r, view.id, kind);
  return out;
}

async function runCapture(path: string, hideNames: boolean, onFlow: (view: FlowView, stage: StatisticalStage) => void): Promise<string> {
  const dpi = createDpiEngine();
  dpi.hideNames = hideNames;
  const stage = new StatisticalStage(null);
  const run = new LocalCaptureRun({ ...DEFAULT_ENGINE_OPTIONS, statistical: stage }, dpi, (view) => onFlow(view, stage));
  const input = openInput(path);
  let head: Uint8Array | null = null;
  let begun = false;
  for await (let chunk of input.chunks()) {
    if (!begun) {
      head = head === null ? Uint8Array.from(chunk) : Buffer.concat([head, chunk]);
      if (head.length < 4) continue;
      run.begin(input.name, head);
      begun = true;
      chunk = head;
    }
    run.push(chunk);
    if (run.stopped) break;
  }
  if (!begun) throw new NotACaptureError('not a pcap or pcapng capture (empty input)');
  run.end();
  return input.name;
}

const transportOf = (view: FlowView): FlowSample['transport'] => {
  const l4 = view.table.keys[view.id * KEY_WORDS]! & 0xff;
  return l4 === 6 ? 'tcp' : l4 === 17 ? 'udp' : 'other';
};

/** Runs each capture through identification (twice with hideNames) and keeps every flow's features and names. */
export async function collectSamples(paths: readonly string[], options: { hideNames: boolean; onCapture?: (done: number) => void }): Promise<SampleSet> {
  const set: SampleSet = { captures: [], samples: [], errors: [] };
  for (const path of paths) {
    const index = set.captures.length;
    const samples: FlowSample[] = [];
    let name: string;
    try {
      name = await runCapture(path, false, (view, stage) => {
        const features = new Float64Array(ALL_FEATURES.length);
        extractFeatures(view.table, view.id, stage.kiss, FEATURE_SETS, features);
        samples.push({
          capture: index,
          packets: view.table.packets[view.id * 2]! + view.table.packets[view.id * 2 + 1]!,
          transport: transportOf(view),
          confidence: CONFIDENCE_NAMES[view.dpi!.confidence[view.id]!]!,
          features,
          truth: labels(view),
          hidden: null,
        });
      });
      if (options.hideNames) {
        // flows end in the same order whatever identification finds: the n-th of each run is one flow
        let n = 0;
        await runCapture(path, true, (view) => {
          const s = samples[n++];
          if (s) s.hidden = labels(view);
        });
        if (n !== samples.length) throw new Error(`${path}: the run with hidden names found ${n} flows, not ${samples.length}`);
      }
    } catch (e) {
      if (!(e instanceof InputError || e instanceof NotACaptureError)) throw e;
      set.errors.push(`${path}: ${e.message}`);
      continue;
    }
    set.captures.push(name);
    set.samples.push(...samples);
    options.onCapture?.(set.captures.length);
  }
  return set;
}
