import { type AlertPhase, type AlertRecord } from '../detect/alert.js';
import { type FlowRows } from './tables.js';

// Where `sonde analyze` sends flows: the DuckDB store, ClickHouse, or both. The analyze loop
// calls add() synchronously from the flow-end callback (a store buffers), awaits drain() between
// input chunks (backpressure, and where batches are written), and ends the run with end().

/** completed_with_errors: some inputs could not be read, or only in part (their errors were reported) */
export type RunStatus = 'running' | 'completed' | 'completed_with_errors' | 'interrupted' | 'failed';

export interface RunInfo {
  /** unique in the store; flow ids are runId × 2^32 + n */
  runId: number;
  /** capture paths as given on the command line */
  inputs: string[];
  /** seconds since the epoch (wall clock) */
  startedAt: number;
  sondeVersion: string;
  /** this machine's name: several probes write to one cluster */
  probe: string;
}

export interface RunCounters {
  packets: number;
  bytes: number;
  flows: number;
}

/** A store as a run sees it; how flows are added depends on the store (rows or columns). */
export interface RunSink {
  /** a short name for messages ('duckdb', 'clickhouse') */
  readonly name: string;
  /** Registers the run (status 'running'); the run id comes from the first sink (see nextRunId). */
  begin(run: RunInfo): Promise<void>;
  /** Writes what is buffered when a batch is full; resolves when the buffer is small again. */
  drain(): Promise<void>;
  /** Writes everything buffered, then records the run's end (status, counters, flows written). */
  end(status: Exclude<RunStatus, 'running'>, counters: RunCounters): Promise<void>;
}

/** A store that takes flows row by row (ClickHouse). */
export interface FlowSink extends RunSink {
  /** One flow's rows, with its flow number in the run (0, 1, …). Must not block. */
  add(flowNumber: number, rows: FlowRows): void;
  /** An alert as it starts and as it ends, with its number in the run (the same both times). Must not block. */
  addAlert(alertNumber: number, alert: AlertRecord, phase: AlertPhase): void;
}

export const flowId = (runId: number, flowNumber: number): bigint => (BigInt(runId) << 32n) + BigInt(flowNumber);
