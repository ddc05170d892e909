import { Worker } from 'node:worker_threads';
import { type FlowSink, type RunCounters, type RunInfo, type RunStatus } from '../sink.js';
import { type FlowRows } from '../tables.js';
import { type WorkerReply, type WorkerRequest } from './worker-protocol.js';

// The DuckDB store as the analysis thread sees it: flows are gathered into batches and handed to
// the store's thread (store-worker.ts); at most a few batches wait there, so memory stays bounded
// when the disk is slower than the analysis.

const BATCH_FLOWS = 4096;
const MAX_BATCHES_IN_FLIGHT = 4;

type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export class ThreadedDuckDbStore implements FlowSink {
  readonly name = 'duckdb';
  private readonly worker: Worker;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: number) => void; reject: (e: Error) => void }>();
  private batch: FlowRows[] = [];
  private batchFirst = 0;
  private inFlight: Promise<number>[] = [];
  private failure: Error | null = null;
  private stored = 0;
  runId = 0;

  private constructor(readonly path: string) {
    this.worker = new Worker(new URL('./store-worker.js', import.meta.url));
    this.worker.on('message', (m: WorkerReply) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.kind === 'done') w.resolve(m.value);
      else w.reject(new Error(m.message));
    });
    this.worker.on('error', (e) => this.failAll(e));
    this.worker.on('exit', (code) => {
      if (this.waiting.size > 0) this.failAll(new Error(`the database thread stopped (exit code ${code})`));
    });
  }

  /** Opens the store on its thread; resolves with the store and the next run id. */
  static async open(path: string, startedAt: number): Promise<{ store: ThreadedDuckDbStore; runId: number }> {
    const store = new ThreadedDuckDbStore(path);
    try {
      const runId = await store.call({ kind: 'open', path, startedAt });
      return { store, runId };
    } catch (e) {
      await store.worker.terminate();
      throw e;
    }
  }

  private call(req: Request): Promise<number> {
    const id = this.nextId++;
    return new Promise<number>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...req, id } as WorkerRequest);
    });
  }

  private failAll(e: Error): void {
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
  }

  async begin(run: RunInfo): Promise<void> {
    this.runId = run.runId;
    await this.call({ kind: 'begin', run });
  }

  add(flowNumber: number, rows: FlowRows): void {
    if (this.batch.length === 0) this.batchFirst = flowNumber;
    this.batch.push(rows);
  }

  private send(): void {
    if (this.batch.length === 0) return;
    const p = this.call({ kind: 'rows', first: this.batchFirst, rows: this.batch });
    // a failed batch is reported at the next drain or at the end
    p.then((n) => (this.stored = n), (e: Error) => (this.failure ??= e));
    this.inFlight.push(p);
    this.batch = [];
  }

  async drain(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.batch.length >= BATCH_FLOWS) this.send();
    while (this.inFlight.length > MAX_BATCHES_IN_FLIGHT) await this.inFlight.shift()!.catch(() => undefined);
    if (this.failure) throw this.failure;
  }

  async end(status: Exclude<RunStatus, 'running'>, counters: RunCounters): Promise<void> {
    this.send();
    await Promise.allSettled(this.inFlight);
    this.inFlight = [];
    // even after a failed batch the run is closed, as 'failed', with what was committed
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.stored = await this.call({ kind: 'end', status: this.failure ? 'failed' : status, counters });
    await exited;
    if (this.failure) throw this.failure;
  }

  get flowsStored(): number {
    return this.stored;
  }
}
