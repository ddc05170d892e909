import { type StatisticalMode } from '../classify/stage.js';
import { type StatisticalModel } from '../classify/model.js';
import { type FlowBatch } from '../flow/flow-batch.js';
import { type AlertPhase, type AlertRecord } from '../detect/alert.js';
import { type Thresholds } from '../detect/thresholds.js';
import { type LearnedKey } from '../dpi/naming/naming.js';
import { type EngineOptions, type EngineStats } from './engine.js';

// Messages between the main thread and the workers of `--workers N` (sharded.ts, shard-worker.ts).
//
// Every worker reads every capture record from a ring of shared buffers, and decodes those the
// main thread gave it (by their flow's addresses, shard.ts). What it sends back carries an order
// key, so that the main thread can put the flows
// and what they taught back into capture order: key = record number × 4 + phase, where phase 0 is
// a flow ended before that record was inspected (timeouts, eviction), 1 something learned while
// it was, and 2 a flow ended at the end of the capture.

export const Phase = { Ended: 0, Learned: 1, Flushed: 2 } as const;

export const orderKey = (record: number, phase: number): number => record * 4 + phase;

export interface WorkerSetup {
  index: number;
  count: number;
  /** the ring: `slots` buffers of `slotBytes` each, one after another */
  ring: SharedArrayBuffer;
  slotBytes: number;
  /** per slot, `ownersPerSlot` bytes: the worker of each record completed in the slot's chunk */
  owners: SharedArrayBuffer;
  ownersPerSlot: number;
  engine: Omit<EngineOptions, 'dpi' | 'shard'>;
  dpi: boolean;
  /** the statistical stage's model and mode, when it runs (each worker predicts for its flows; the main thread adopts) */
  statistical: { model: StatisticalModel; mode: StatisticalMode } | null;
  /**
   * a worker sends its ended flows after at most this many chunks, its batch full or not: the
   * main thread keeps the other workers' later flows until then, to put them in order
   */
  holdChunks: number;
  /** flood and scan detection's thresholds, when it runs: in the first worker, which also decodes the others' packets for it */
  detect: Thresholds | null;
  /** one Int32: set to 1 when the run is interrupted; the chunks that still wait are then skipped */
  abandon: SharedArrayBuffer;
}

export type ToWorker =
  | { kind: 'capture'; name: string }
  /** `records`: how many records end in the chunk (the owners written beside its slot) */
  | { kind: 'chunk'; slot: number; length: number; records: number }
  /** `owners`: of the records that only the end of the input completes */
  | { kind: 'end-capture'; owners: Uint8Array };

/** what flows taught, in the order learned (naming.ts's CrossFlowLearner calls) */
export interface LearnedLog {
  keys: number[];
  /** 0 a DNS answer (name: its address), 1 a call's socket (name: the client's socket) */
  kinds: number[];
  names: LearnedKey[];
  apps: number[];
}

export interface EndedFlows {
  batch: FlowBatch;
  /** per flow of the batch: its order key */
  keys: Float64Array;
}

export interface WorkerCounters {
  stats: EngineStats;
  /** AnomalyCounters.counts of the packets and flows the worker decoded (and, for worker 0, of the capture records) */
  anomalies: Float64Array;
}

export interface AlertEvent {
  alert: AlertRecord;
  phase: AlertPhase;
}

export type FromWorker =
  /** a chunk read (its slot free for this worker); or (slot -1) a full batch of ended flows */
  | { kind: 'progress'; slot: number; upTo: number; records: number; stopped: boolean; learned: LearnedLog; flows: EndedFlows | null; alerts: AlertEvent[] }
  | { kind: 'capture-done'; upTo: number; learned: LearnedLog; alerts: AlertEvent[]; flows: EndedFlows | null; warnings: string[]; errors: string[]; stopped: boolean; counters: WorkerCounters }
  | { kind: 'failed'; message: string };
