import { type AnomalyCounters } from '../decode/anomaly.js';
import { createCaptureParser, type CaptureParser } from '../capture/parser.js';
import { type DpiEngine } from '../dpi/runtime/inspector.js';
import { type FlowView } from '../flow/schema.js';
import { Engine, type EngineOptions, type EngineStats } from './engine.js';

// How `sonde analyze` runs captures through the engine, one thread (LocalCaptureRun) or several
// workers (sharded.ts): it pushes each capture's bytes in order and gets every flow as it ends.

export interface CaptureEnd {
  /** the parser's warnings: the capture was cut short (a truncated last record…) */
  warnings: string[];
  /** the parser's errors: the capture is corrupt (one line each, with what was skipped) */
  errors: string[];
  /** nothing plausible followed a corruption, and the capture was read up to it */
  stopped: boolean;
}

export interface CaptureRun {
  /** Starts a capture with its first bytes (at least 4); throws NotACaptureError for other files. */
  begin(name: string, head: Uint8Array): void;
  /** the next bytes of the capture, from the first (`head` included) */
  push(chunk: Uint8Array): void | Promise<void>;
  /** The run is interrupted: bytes pushed but not yet analysed may be dropped (end() follows). */
  abandon(): void;
  /** End of the capture: its remaining flows are written. */
  end(): CaptureEnd | Promise<CaptureEnd>;
  /** the capture is corrupt from some point on: push no more */
  readonly stopped: boolean;
  /** capture records read so far */
  readonly records: number;
  stats(): EngineStats;
  anomalies(): AnomalyCounters;
  close(): Promise<void>;
}

/** One engine on this thread. */
export class LocalCaptureRun implements CaptureRun {
  readonly engine: Engine;
  private parser: CaptureParser | null = null;
  private readonly view: FlowView = { table: null as never, id: 0, capture: '', endReason: 'end', dpi: null };

  constructor(options: Omit<EngineOptions, 'dpi'>, dpi: DpiEngine | null, onFlow: (view: FlowView) => void) {
    const view = this.view;
    view.dpi = dpi?.results ?? null;
    this.engine = new Engine({ ...options, dpi }, (table, id, reason) => {
      view.table = table;
      view.id = id;
      view.endReason = reason;
      onFlow(view);
    });
  }

  begin(name: string, head: Uint8Array): void {
    this.parser = createCaptureParser(head, this.engine.onPacket, this.engine.anomalies);
    this.view.capture = name;
  }

  push(chunk: Uint8Array): void {
    this.parser!.push(chunk);
  }

  /** live capture: the clock moves on without packets (see Engine.advanceClock) */
  tick(nowMicros: number): void {
    this.engine.advanceClock(nowMicros);
  }

  /** push() analyses each chunk before it returns: nothing waits */
  abandon(): void {}

  end(): CaptureEnd {
    const parser = this.parser;
    parser?.finish();
    // flows of one capture never continue in the next
    this.engine.flush();
    this.parser = null;
    return { warnings: parser?.warnings ?? [], errors: parser?.errors ?? [], stopped: parser?.stopped ?? false };
  }

  get stopped(): boolean {
    return this.parser?.stopped ?? false;
  }

  get records(): number {
    return this.engine.stats.records;
  }

  stats(): EngineStats {
    return this.engine.stats;
  }

  anomalies(): AnomalyCounters {
    return this.engine.anomalies;
  }

  async close(): Promise<void> {}
}
