import { type RunCounters, type RunInfo, type RunStatus } from '../sink.js';
import { type FlowRows } from '../tables.js';

// Messages between the analysis thread and the DuckDB store's thread.

export type WorkerRequest =
  | { kind: 'open'; id: number; path: string; startedAt: number; batchFlows?: number }
  | { kind: 'begin'; id: number; run: RunInfo }
  | { kind: 'rows'; id: number; first: number; rows: FlowRows[] }
  | { kind: 'end'; id: number; status: Exclude<RunStatus, 'running'>; counters: RunCounters };

export type WorkerReply = { kind: 'done'; id: number; value: number } | { kind: 'error'; id: number; message: string };
