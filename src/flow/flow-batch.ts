import { DpiResults, FlowMeta } from '../dpi/runtime/results.js';
import { type EndReason, type FlowView } from './schema.js';
import { FlowSnapshot } from './snapshot.js';

// Ended flows as the analysis thread hands them to the store's thread: copies of their flow-table
// and DPI arrays (moved, not copied, by postMessage) and their DPI meta objects. The store's thread
// builds the records from them with the same field getters as everywhere else, so the analysis
// thread pays for a copy of each flow, not for its record.

const END_REASONS: readonly EndReason[] = ['idle', 'active', 'end', 'evicted'];

export interface FlowBatch {
  /** the run's number of the batch's flow 0 (flow numbers follow on) */
  first: number;
  table: FlowSnapshot;
  dpi: DpiResults | null;
  /** per flow: its capture's name (one string object per capture) */
  captures: string[];
  /** per flow: index into END_REASONS */
  endReasons: Uint8Array;
}

/** Gathers ended flows into FlowBatches of a fixed size. */
export class FlowBatchBuilder {
  private batch: FlowBatch | null = null;

  constructor(private readonly capacity: number) {}

  get count(): number {
    return this.batch?.table.count ?? 0;
  }

  /** Copies one ended flow in, with its number in the run (numbers must follow on). */
  add(flowNumber: number, v: FlowView): void {
    const b = (this.batch ??= this.start(flowNumber, v.dpi !== null));
    const at = b.table.add(v.table, v.id);
    if (v.dpi && b.dpi) {
      b.dpi.copyFlow(v.dpi, v.id, at);
      // a flow cut by the active timeout goes on, and its DPI may still write to the same object
      if (v.endReason === 'active' && b.dpi.meta[at]) b.dpi.meta[at] = structuredClone(b.dpi.meta[at]);
    }
    b.captures[at] = v.capture;
    b.endReasons[at] = END_REASONS.indexOf(v.endReason);
  }

  get full(): boolean {
    return this.count >= this.capacity;
  }

  private start(first: number, withDpi: boolean): FlowBatch {
    let dpi: DpiResults | null = null;
    if (withDpi) {
      dpi = new DpiResults();
      dpi.ensure(this.capacity);
    }
    return { first, table: new FlowSnapshot(this.capacity), dpi, captures: [], endReasons: new Uint8Array(this.capacity) };
  }

  /** The flows gathered so far (null when none); the builder starts a new batch. */
  take(): FlowBatch | null {
    const b = this.batch;
    this.batch = null;
    return b && b.table.count > 0 ? b : null;
  }
}

/** the buffers of a batch, to move with postMessage */
export function transferList(b: FlowBatch): ArrayBuffer[] {
  return [...b.table.buffers(), ...(b.dpi?.buffers() ?? []), b.endReasons.buffer as ArrayBuffer];
}

/** Gives a batch that came through postMessage its classes back (postMessage keeps the data only). */
export function reviveBatch(b: FlowBatch): void {
  Object.setPrototypeOf(b.table, FlowSnapshot.prototype);
  if (!b.dpi) return;
  Object.setPrototypeOf(b.dpi, DpiResults.prototype);
  for (const m of b.dpi.meta) if (m) Object.setPrototypeOf(m, FlowMeta.prototype);
}

/** Aims `view` at flow `i` of a revived batch. */
export function aimView(view: FlowView, b: FlowBatch, i: number): void {
  view.table = b.table.arrays;
  view.dpi = b.dpi;
  view.id = i;
  view.capture = b.captures[i]!;
  view.endReason = END_REASONS[b.endReasons[i]!]!;
}

/**
 * The flows of a batch that came through postMessage, as views for the field getters (flow number,
 * view); the view object is reused from flow to flow.
 */
export function* batchViews(b: FlowBatch): Generator<[number, FlowView]> {
  reviveBatch(b);
  const view: FlowView = { table: b.table.arrays, id: 0, capture: '', endReason: 'end', dpi: b.dpi };
  for (let i = 0; i < b.table.count; i++) {
    aimView(view, b, i);
    yield [b.first + i, view];
  }
}
