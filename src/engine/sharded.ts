import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { type CaptureParser, createCaptureParser, type PacketSink } from '../capture/parser.js';
import { FlowAddressHasher } from '../decode/address-hash.js';
import { useUdpTunnels } from '../decode/dispatch.js';
import { ANOMALY_COUNT, AnomalyCounters } from '../decode/anomaly.js';
import { shardOf } from './shard.js';
import { type DpiEngine } from '../dpi/runtime/inspector.js';
import { type FlowNaming, type LearnedKey } from '../dpi/naming/naming.js';
import { type StatisticalStage } from '../classify/stage.js';
import { type FlowView } from '../flow/schema.js';
import { type AlertHandler } from '../detect/alert.js';
import { type Thresholds } from '../detect/thresholds.js';
import { aimView, type FlowBatch, reviveBatch } from '../flow/flow-batch.js';
import { type CaptureRun, type CaptureEnd } from './capture-run.js';
import { type EngineOptions, EngineStats } from './engine.js';
import { OrderedMerge } from './ordered-merge.js';
import { type FromWorker, type LearnedLog, type ToWorker, type WorkerCounters, type WorkerSetup } from './shard-protocol.js';

// `--workers N`: the capture is read once, into a ring of shared buffers. The main thread walks
// its records and writes, beside each slot, which worker each record's packet belongs to (by its
// flow's addresses, shard.ts); every worker (shard-worker.ts) walks the records too, decodes its
// own and counts the rest, so that its clock and timeouts are one engine's. Flows come back
// when they end, with what they taught other flows (DNS answers, call sockets), each with its
// place in the capture; the main thread puts them back in that order and names each flow with
// what had been learned by then, as one engine would have. The records are the same as with one
// worker, in another order.

const SLOTS = 8;
/** chunks (4 MB each from files) a worker may keep ended flows before sending them */
const HOLD_CHUNKS = 16;

/** the EngineStats each worker counts of its own packets and flows only */
const PER_WORKER_STATS = ['ipPackets', 'nonIpPackets', 'malformedPackets', 'fragmentsHeld', 'datagramsReassembled', 'flowsCreated', 'flowsEnded', 'flowsContinued'] as const;

/** the worker's bundle (tools/bundle-cli.ts) when it is at least as new as what tsc wrote */
function workerEntry(): URL {
  const bundle = new URL('./shard-worker.bundle.js', import.meta.url);
  const modules = new URL('./shard-worker.js', import.meta.url);
  const mtime = (url: URL): number => {
    try {
      return statSync(url).mtimeMs;
    } catch {
      return -1;
    }
  };
  const built = mtime(bundle);
  return built >= 0 && built >= mtime(modules) ? bundle : modules;
}

type Merged = { batch: FlowBatch; at: number } | { kind: number; name: LearnedKey; app: number };

export class ShardedCaptureRun implements CaptureRun {
  private readonly workers: Worker[] = [];
  private readonly ring: SharedArrayBuffer;
  /** per slot, `ownersPerSlot` bytes: the worker of each record completed in that slot's chunk */
  private readonly owners: Uint8Array;
  private readonly ownersPerSlot: number;
  private ownerCount = 0;
  /** what fills `owners`: the main thread's own walk of the capture's records */
  private parser: CaptureParser | null = null;
  /** where the next owner goes: a slot's place in `owners`, or -1 for `pendingOwners` */
  private ownerSlot = 0;
  private pendingOwners: number[] = [];
  private readonly hasher = new FlowAddressHasher();
  /** per slot: how many workers still read it */
  private readonly readers = new Int32Array(SLOTS);
  private readonly freeSlots: number[] = [];
  private slotWaiters: (() => void)[] = [];
  /** per worker: its ended flows (stream 2i) and what its flows taught (stream 2i+1) */
  private readonly merge: OrderedMerge<Merged>;
  private readonly naming: FlowNaming | null;
  private readonly view: FlowView = { table: null as never, id: 0, capture: '', endReason: 'end', dpi: null };
  private readonly counters: (WorkerCounters | null)[];
  private captureEnds: ((end: CaptureEnd) => void)[] = [];
  private doneCount = 0;
  private firstEnd: CaptureEnd | null = null;
  private failure: Error | null = null;
  private failed: ((e: Error) => void)[] = [];
  /** read by every worker before each chunk (see abandon()) */
  private readonly abandoned = new Int32Array(new SharedArrayBuffer(4));
  stopped = false;
  records = 0;

  constructor(
    readonly count: number,
    readonly slotBytes: number,
    engine: Omit<EngineOptions, 'dpi' | 'shard'>,
    dpi: DpiEngine | null,
    private readonly onFlow: (view: FlowView) => void,
    holdChunks = HOLD_CHUNKS,
    private readonly statistical: StatisticalStage | null = null,
    private readonly detection: { thresholds: Thresholds; onAlert: AlertHandler } | null = null,
  ) {
    // the main thread's hasher must decapsulate what the workers' decoders do
    if (engine.udpTunnels) useUdpTunnels(engine.udpTunnels);
    this.ring = new SharedArrayBuffer(SLOTS * slotBytes);
    // the smallest record (a pcap header, or a pcapng simple packet block) is 16 bytes; one more
    // may end in a chunk that it began in the one before
    this.ownersPerSlot = Math.floor(slotBytes / 16) + 2;
    this.owners = new Uint8Array(new SharedArrayBuffer(SLOTS * this.ownersPerSlot));
    for (let s = SLOTS - 1; s >= 0; s--) this.freeSlots.push(s);
    this.merge = new OrderedMerge<Merged>(count * 2);
    // the workers build theirs the same way: the same catalog, so names mean the same ids
    this.naming = dpi?.naming ?? null;
    this.counters = new Array<WorkerCounters | null>(count).fill(null);
    for (let i = 0; i < count; i++) {
      const setup: WorkerSetup = { index: i, count, ring: this.ring, slotBytes, owners: this.owners.buffer as SharedArrayBuffer, ownersPerSlot: this.ownersPerSlot, engine, dpi: dpi !== null, statistical: statistical?.model ? { model: statistical.model, mode: statistical.mode } : null, holdChunks, detect: detection?.thresholds ?? null, abandon: this.abandoned.buffer as SharedArrayBuffer };
      const w = new Worker(workerEntry(), { workerData: setup });
      w.on('message', (m: FromWorker) => this.onMessage(i, m));
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`worker ${i} stopped (exit code ${code})`));
      });
      this.workers.push(w);
    }
  }

  begin(name: string, head: Uint8Array): void {
    // throws NotACaptureError here, where the caller reports it, rather than in every worker
    this.parser = createCaptureParser(head, this.assign);
    this.stopped = false;
    Atomics.store(this.abandoned, 0, 0);
    this.post({ kind: 'capture', name });
  }

  async push(chunk: Uint8Array): Promise<void> {
    for (let off = 0; off < chunk.length; ) {
      const slot = await this.freeSlot();
      // abandoned while it waited for room (the caller stopped waiting): the chunk is not read
      if (Atomics.load(this.abandoned, 0) !== 0) {
        this.freeSlots.push(slot);
        return;
      }
      const n = Math.min(this.slotBytes, chunk.length - off);
      const piece = new Uint8Array(this.ring, slot * this.slotBytes, n);
      piece.set(chunk.subarray(off, off + n));
      this.ownerSlot = slot * this.ownersPerSlot;
      this.ownerCount = 0;
      this.parser!.push(piece);
      this.readers[slot] = this.count;
      this.post({ kind: 'chunk', slot, length: n, records: this.ownerCount });
      off += n;
    }
  }

  /** Up to 8 chunks may wait in the ring: skipped, so that an interrupted run stops at once. */
  abandon(): void {
    Atomics.store(this.abandoned, 0, 1);
  }

  async end(): Promise<CaptureEnd> {
    this.doneCount = 0;
    this.firstEnd = null;
    const ended = new Promise<CaptureEnd>((resolve) => this.captureEnds.push(resolve));
    // records that resume after a corruption may come only at the end: their owners go along
    const atEnd: number[] = [];
    this.ownerCount = 0;
    this.ownerSlot = -1;
    this.pendingOwners = atEnd;
    this.parser?.finish();
    this.parser = null;
    this.post({ kind: 'end-capture', owners: Uint8Array.from(atEnd) });
    return this.orFailure(ended);
  }

  stats(): EngineStats {
    const stats = Object.assign(new EngineStats(), this.counters[0]?.stats ?? {});
    // every worker counted every record; packets and flows are each worker's own
    for (const name of PER_WORKER_STATS) {
      stats[name] = 0;
      for (const c of this.counters) stats[name] += c?.stats[name] ?? 0;
    }
    return stats;
  }

  anomalies(): AnomalyCounters {
    const sum = new AnomalyCounters();
    for (const c of this.counters) for (let i = 0; i < ANOMALY_COUNT; i++) sum.counts[i]! += c?.anomalies[i] ?? 0;
    return sum;
  }

  async close(): Promise<void> {
    for (const w of this.workers) w.removeAllListeners('exit');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private readonly assign: PacketSink = (buf, offset, capLen, wireLen, _ts, linkType) => {
    const hash = this.hasher.hash(buf, offset, capLen, wireLen, linkType);
    // not IP: no flow, and the first worker counts it
    const owner = hash < 0 ? 0 : shardOf(hash, this.count);
    if (this.ownerSlot < 0) this.pendingOwners.push(owner);
    else if (this.ownerCount < this.ownersPerSlot) this.owners[this.ownerSlot + this.ownerCount++] = owner;
    else this.fail(new Error(`more than ${this.ownersPerSlot} capture records in one chunk`));
  };

  private post(m: ToWorker): void {
    if (this.failure) throw this.failure;
    for (const w of this.workers) w.postMessage(m);
  }

  private freeSlot(): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.freeSlots.length > 0) return Promise.resolve(this.freeSlots.pop()!);
    return this.orFailure(new Promise<void>((resolve) => this.slotWaiters.push(resolve))).then(() => this.freeSlot());
  }

  private orFailure<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, new Promise<never>((_, reject) => (this.failure ? reject(this.failure) : this.failed.push(reject)))]);
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const reject of this.failed) reject(this.failure);
    this.failed = [];
  }

  private onMessage(worker: number, m: FromWorker): void {
    if (m.kind === 'failed') {
      this.fail(new Error(`worker ${worker}: ${m.message}`));
      return;
    }
    if (m.flows) {
      const batch = m.flows.batch;
      reviveBatch(batch);
      for (let i = 0; i < batch.table.count; i++) this.merge.push(2 * worker, m.flows.keys[i]!, { batch, at: i });
    }
    this.pushLearned(worker, m.learned);
    for (const a of m.alerts) this.detection?.onAlert(a.alert, a.phase);
    if (m.upTo >= 0) {
      this.merge.advance(2 * worker, m.upTo);
      this.merge.advance(2 * worker + 1, m.upTo);
    }
    this.merge.drain(this.emit);
    if (m.kind === 'progress') {
      if (worker === 0) {
        this.records = m.records;
        this.stopped ||= m.stopped;
      }
      if (m.slot >= 0 && --this.readers[m.slot]! === 0) {
        this.freeSlots.push(m.slot);
        this.slotWaiters.shift()?.();
      }
      return;
    }
    this.counters[worker] = m.counters;
    if (worker === 0) {
      this.firstEnd = { warnings: m.warnings, errors: m.errors, stopped: m.stopped };
      this.records = m.counters.stats.records;
    }
    if (++this.doneCount === this.count) {
      if (Atomics.load(this.abandoned, 0) !== 0) this.merge.drainAll(this.emit);
      if (this.merge.waiting > 0) this.fail(new Error(`${this.merge.waiting} flows were not merged at the end of a capture`));
      this.captureEnds.shift()?.(this.firstEnd!);
    }
  }

  private pushLearned(worker: number, l: LearnedLog): void {
    for (let i = 0; i < l.keys.length; i++) this.merge.push(2 * worker + 1, l.keys[i]!, { kind: l.kinds[i]!, name: l.names[i]!, app: l.apps[i]! });
  }

  private readonly emit = (item: Merged): void => {
    if ('batch' in item) {
      const view = this.view;
      aimView(view, item.batch, item.at);
      if (this.naming && item.batch.dpi) {
        this.naming.name(item.batch.table.arrays, item.batch.dpi, item.at);
        this.statistical?.adopt(item.batch.dpi, item.at);
      }
      this.onFlow(view);
    } else if (this.naming) {
      if (item.kind === 0) this.naming.dnsAnswer(item.name, item.app);
      else this.naming.socketApplication(item.name, item.app);
    }
  };
}
