import { type ProtocolSpec } from '../../dpi/api/catalog.js';
import { type FlowBatch } from '../../flow/flow-batch.js';
import { type AlertRecord } from '../../detect/alert.js';
import { type RunCounters, type RunInfo, type RunStatus } from '../sink.js';

// Messages between the analysis thread and the DuckDB store's thread.

export type WorkerRequest =
  /** opens the store, brings it to the tables' schema, and begins a run; replies with its run id */
  /** catalog: the analysis thread's protocol catalog (catalogSpecs()), so that protocol ids name the same */
  /** storeFeatures: flow_features is written too (--store-features) */
  | { kind: 'start'; id: number; path: string; run: Omit<RunInfo, 'runId'>; catalog: ProtocolSpec[]; storeFeatures: boolean }
  | { kind: 'flows'; id: number; batch: FlowBatch }
  /** an alert as it starts or ends (its row replaced): number is its number in the run */
  | { kind: 'alert'; id: number; number: number; alert: AlertRecord }
  | { kind: 'end'; id: number; status: Exclude<RunStatus, 'running'>; counters: RunCounters }
  /** retention while writing: commits what is pending, then deletes flows and alerts that ended before the cutoff; replies with the flows deleted */
  | { kind: 'prune'; id: number; cutoffMicros: number }
  /** a dashboard's query while the run writes (sonde's own SQL, values bound): answered on a reading connection, beside the writes */
  | { kind: 'read'; id: number; sql: string; values: (string | number | bigint)[] };

export type WorkerReply =
  | { kind: 'done'; id: number; value: number }
  | { kind: 'rows'; id: number; columns: string[]; rows: unknown[][] }
  | { kind: 'error'; id: number; message: string };
