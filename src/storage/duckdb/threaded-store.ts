import { Worker } from 'node:worker_threads';
import { catalogSpecs } from '../../dpi/api/catalog.js';
import { type FlowView } from '../../flow/schema.js';
import { FlowBatchBuilder, transferList } from '../../flow/flow-batch.js';
import { type AlertRecord } from '../../detect/alert.js';
import { type RunCounters, type RunInfo, type RunSink, type RunStatus } from '../sink.js';
import { type WorkerReply, type WorkerRequest } from './worker-protocol.js';

// The DuckDB store as the analysis thread sees it: ended flows are copied into batches
// (flow-batch.ts) and handed to the store's thread (store-worker.ts), which builds their records;
// at most a few batches wait there, so memory stays bounded when the disk is slower than the
// analysis. Opening the database runs on that thread while the analysis starts: a database that
// cannot be opened is reported at the first drain() or at end().

const BATCH_FLOWS = 4096;
const MAX_BATCHES_IN_FLIGHT = 4;
/**
 * A batch goes to the store's thread when full or when its first flow has waited this long: with
 * the store's commit interval, a crash loses little more than a second of flows.
 */
const SEND_AFTER_MS = 250;

type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** The database could not be opened (locked, unreadable, not a DuckDB file): DuckDB's first line. */
export class StoreOpenError extends Error {}

/** Writing to the database failed during the run (disk full, file too large): DuckDB's first line. */
export class StoreWriteError extends Error {}

export class ThreadedDuckDbStore implements RunSink {
  readonly name = 'duckdb';
  private readonly worker: Worker;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: number) => void; reject: (e: Error) => void }>();
  private readonly reading = new Map<number, { resolve: (v: { columns: string[]; rows: unknown[][] }) => void; reject: (e: Error) => void }>();
  private readonly batch = new FlowBatchBuilder(BATCH_FLOWS);
  private inFlight: Promise<number>[] = [];
  private failure: Error | null = null;
  private exited = false;
  private stored = 0;
  /** when the batch being filled took its first flow (performance.now()) */
  private batchStartedAt = 0;
  /** sends a batch that waits too long while no chunk arrives (a quiet live input) */
  private readonly sendTimer: NodeJS.Timeout;
  /** resolves with the run id once the database is open and the run begun */
  readonly started: Promise<number>;
  runId = 0;

  /** Starts opening the store on its own thread and beginning a run there; does not wait for it. */
  /** storeFeatures: flow_features is written too (--store-features) */
  constructor(readonly path: string, run: Omit<RunInfo, 'runId'>, storeFeatures = false) {
    this.worker = new Worker(new URL('./store-worker.js', import.meta.url));
    this.worker.on('message', (m: WorkerReply) => {
      const r = this.reading.get(m.id);
      if (r) {
        this.reading.delete(m.id);
        if (m.kind === 'rows') r.resolve({ columns: m.columns, rows: m.rows });
        else r.reject(new Error(m.kind === 'error' ? m.message : 'unexpected reply'));
        return;
      }
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.kind === 'done') w.resolve(m.value);
      else w.reject(new Error(m.kind === 'error' ? m.message : 'unexpected reply'));
    });
    this.worker.on('error', (e) => this.failAll(e));
    this.worker.on('exit', (code) => {
      this.exited = true;
      this.failAll(new Error(`the database thread stopped (exit code ${code})`));
    });
    this.started = this.call({ kind: 'start', path, run, catalog: catalogSpecs(), storeFeatures }).then(
      (id) => (this.runId = id),
      (e: Error) => {
        this.failure ??= new StoreOpenError(e.message);
        throw this.failure;
      },
    );
    // reported through drain() and end()
    this.started.catch(() => undefined);
    this.sendTimer = setInterval(() => this.sendIfWaited(), SEND_AFTER_MS);
    this.sendTimer.unref();
  }

  private call(req: Request, transfer: ArrayBuffer[] = []): Promise<number> {
    if (this.exited) return Promise.reject(this.failure ?? new Error('the database thread has stopped'));
    const id = this.nextId++;
    return new Promise<number>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...req, id } as WorkerRequest, transfer);
    });
  }

  private failAll(e: Error): void {
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
    for (const r of this.reading.values()) r.reject(e);
    this.reading.clear();
  }

  /** A query of the store as the run writes it (the dashboard's: sonde's SQL, values bound); it sees the committed flows. */
  read(sql: string, values: (string | number | bigint)[]): Promise<{ columns: string[]; rows: unknown[][] }> {
    if (this.exited) return Promise.reject(new Error('the store has been closed: the run has ended'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.reading.set(id, { resolve, reject });
      this.worker.postMessage({ kind: 'read', id, sql, values } as WorkerRequest);
    });
  }

  /** The run was begun with the store's thread (see started); nothing more to do. */
  async begin(): Promise<void> {
    await this.started;
  }

  /** One ended flow, with its number in the run (0, 1, …). */
  add(flowNumber: number, flow: FlowView): void {
    if (this.batch.count === 0) this.batchStartedAt = performance.now();
    this.batch.add(flowNumber, flow);
    // a full batch goes now: the next flow needs a new one (drain() waits for the store)
    if (this.batch.full) this.send();
  }

  /** An alert as it starts or ends, with its number in the run; a failure is reported like a batch's. */
  addAlert(alertNumber: number, alert: AlertRecord): void {
    const p = this.call({ kind: 'alert', number: alertNumber, alert });
    p.catch((e: Error) => (this.failure ??= new StoreWriteError(e.message)));
    this.inFlight.push(p);
  }

  private send(): void {
    const batch = this.batch.take();
    if (!batch) return;
    const p = this.call({ kind: 'flows', batch }, transferList(batch));
    // a failed batch is reported at the next drain or at the end
    p.then((n) => (this.stored = n), (e: Error) => (this.failure ??= new StoreWriteError(e.message)));
    this.inFlight.push(p);
  }

  private sendIfWaited(): void {
    if (this.batch.count > 0 && !this.exited && performance.now() - this.batchStartedAt >= SEND_AFTER_MS) this.send();
  }

  async drain(): Promise<void> {
    if (this.failure) throw this.failure;
    this.sendIfWaited();
    while (this.inFlight.length > MAX_BATCHES_IN_FLIGHT) await this.inFlight.shift()!.catch(() => undefined);
    if (this.failure) throw this.failure;
  }

  async end(status: Exclude<RunStatus, 'running'>, counters: RunCounters): Promise<void> {
    clearInterval(this.sendTimer);
    await this.started;
    this.send();
    await Promise.allSettled(this.inFlight);
    this.inFlight = [];
    // even after a failed batch the run is closed, as 'failed', with what was committed; the
    // thread ends either way, so the process can exit
    const exited = this.exited ? Promise.resolve() : new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    await this.call({ kind: 'end', status: this.failure ? 'failed' : status, counters }).then(
      (n) => (this.stored = n),
      (e: Error) => (this.failure ??= new StoreWriteError(e.message)),
    );
    await exited;
    if (this.failure) throw this.failure;
  }

  /** Retention while the run writes: what ended before the cutoff is deleted, after the pending flows are committed; resolves to the flows deleted. */
  async prune(cutoffMicros: number): Promise<number> {
    await this.started;
    return this.call({ kind: 'prune', cutoffMicros });
  }

  get flowsStored(): number {
    return this.stored;
  }
}
