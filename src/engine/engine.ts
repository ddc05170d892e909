import { Anomaly, AnomalyCounters } from '../decode/anomaly.js';
import { PacketDecoder } from '../decode/decoder.js';
import { type UdpTunnelName, useUdpTunnels } from '../decode/dispatch.js';
import { FlowKeyBuilder } from '../flow/key.js';
import { type EndReason } from '../flow/schema.js';
import { FlowTable } from '../flow/table.js';
import { DpiEngine } from '../dpi/runtime/inspector.js';
import { Confidence } from '../dpi/runtime/results.js';
import { type Shard } from './shard.js';
import { type StatisticalStage } from '../classify/stage.js';
import { type FloodScanDetector } from '../detect/detector.js';

// The data path, in order: capture record → decode → flow → (later: dissect → classify) → sink.
// Pure: no I/O. The caller feeds capture records and receives finished flows through `onFlowEnd`.

export interface EngineOptions {
  /** seconds without a packet before a flow is written; 0 = never */
  idleTimeoutS: number;
  /** seconds after which a long flow is written and continues in a new record; 0 = never */
  activeTimeoutS: number;
  /** live flows at most; the least recently active is written ('evicted') beyond it */
  maxFlows: number;
  /** protocol and application identification; null for flow tracking only */
  dpi?: DpiEngine | null;
  /** statistical identification of the flows DPI leaves unnamed (classify/stage.ts); one worker only */
  statistical?: StatisticalStage | null;
  /** flood and scan detection over every IP packet; with workers, the first worker's only */
  detector?: FloodScanDetector | null;
  /**
   * one of several workers: each is given every capture record, decodes the packets dispatched
   * to it (onPacket) and only counts the others (passPacket) (shard.ts)
   */
  shard?: Shard;
  /**
   * the UDP tunnels decoded to their inner flows on their ports; absent: dispatch.ts's defaults
   * (all but Teredo). The decoding tables are process-wide, so the last engine made sets them.
   */
  udpTunnels?: readonly UdpTunnelName[];
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = { idleTimeoutS: 120, activeTimeoutS: 1800, maxFlows: 262_144 };

/** Receives each flow as it ends; the flow's storage is reused after the call returns. */
export type FlowEndHandler = (table: FlowTable, id: number, reason: EndReason) => void;

export class EngineStats {
  records = 0;
  wireBytes = 0;
  capturedBytes = 0;
  ipPackets = 0;
  /** packets that are not IP (ARP, STP, LLDP…) */
  nonIpPackets = 0;
  /** packets too broken to belong to a flow (each also counted as an anomaly) */
  malformedPackets = 0;
  fragmentsHeld = 0;
  datagramsReassembled = 0;
  flowsCreated = 0;
  /** flow records written, the records of flows cut by the active timeout included */
  flowsEnded = 0;
  /** records written by the active timeout, whose flows go on in the table: live = created − ended + continued */
  flowsContinued = 0;
  firstTsMicros = Number.NaN;
  lastTsMicros = Number.NaN;
}

export class Engine {
  /** anomalies of this engine's flows (their dissectors, a full table), and of packets as below */
  readonly anomalies = new AnomalyCounters();
  /**
   * anomalies of capture records, which the capture parser counts: the same counters, except in a
   * worker other than the first, where they are counted (by the first) but not reported
   */
  readonly packetAnomalies: AnomalyCounters;
  readonly decoder: PacketDecoder;
  readonly flows: FlowTable;
  readonly stats = new EngineStats();
  readonly dpi: DpiEngine | null;
  readonly statistical: StatisticalStage | null;
  readonly detector: FloodScanDetector | null;
  private readonly keyBuilder = new FlowKeyBuilder();
  private readonly idleMicros: number;
  private readonly activeMicros: number;
  /** the first worker's, for the packets of other workers' flows that detection still observes */
  private detectionDecoder: PacketDecoder | null = null;
  /** the latest capture time seen (µs) */
  private clock = Number.NEGATIVE_INFINITY;

  constructor(
    readonly options: EngineOptions,
    private readonly onFlowEnd: FlowEndHandler,
  ) {
    this.idleMicros = options.idleTimeoutS * 1e6;
    this.activeMicros = options.activeTimeoutS * 1e6;
    // one more than the cap: a flow is created before the least recently active one is evicted
    this.flows = new FlowTable(Math.min(options.maxFlows + 1, 4096), options.maxFlows + 1);
    this.dpi = options.dpi ?? null;
    this.statistical = options.statistical ?? null;
    this.detector = options.detector ?? null;
    if (this.dpi) this.dpi.anomalies = this.anomalies;
    const shard = options.shard && options.shard.count > 1 ? options.shard : null;
    this.packetAnomalies = shard && shard.index > 0 ? new AnomalyCounters() : this.anomalies;
    this.decoder = new PacketDecoder(this.anomalies);
    // their anomalies are the other workers' to count
    if (shard && this.detector) this.detectionDecoder = new PacketDecoder(new AnomalyCounters());
    if (options.udpTunnels) useUdpTunnels(options.udpTunnels);
  }

  /** One capture record (the PacketSink of the capture parsers). */
  readonly onPacket = (buf: Uint8Array, offset: number, capLen: number, wireLen: number, tsMicros: number, linkType: number): void => {
    this.countRecord(capLen, wireLen, tsMicros);
    const stats = this.stats;
    const p = this.decoder.decode(buf, offset, capLen, wireLen, tsMicros, linkType);
    // every IP frame, fragments and all
    if (this.detector !== null && p.ipVersion !== 0) this.detector.observe(p);
    if (p.heldFragment) {
      stats.fragmentsHeld++;
      return;
    }
    if (p.ipVersion === 0 || p.l4Proto < 0) {
      if (p.anomaly >= 0) stats.malformedPackets++;
      else stats.nonIpPackets++;
      return;
    }
    stats.ipPackets++;
    if (p.reassembled) stats.datagramsReassembled++;
    const kb = this.keyBuilder;
    kb.build(p);
    const table = this.flows;
    const id = table.lookupOrCreate(kb, tsMicros, this.clock);
    if (table.created) {
      stats.flowsCreated++;
      this.dpi?.flowCreated(id, table.capacity);
      if (table.live > this.options.maxFlows) {
        this.anomalies.add(Anomaly.flow_table_full);
        this.end(table.lruHead, 'evicted');
      }
    }
    table.update(id, p, kb.aIsSource, this.clock);
    if (this.dpi !== null) this.dpi.onPacket(table, id, p, table.lastDir);
    const statistical = this.statistical;
    // checked here, not in the stage: most packets have no payload for it or belong to named flows
    // (and without DPI the stage classifies nothing: see classify())
    if (statistical !== null && this.dpi !== null && p.payloadLen !== 0 && (statistical.observesNamedFlows || this.dpi.results.confidence[id] !== Confidence.Dpi)) {
      statistical.observe(table, id, p, table.lastDir);
    }
  };

  /**
   * A worker's capture record whose packet another worker decodes: it still moves the clock (so
   * that flows time out as in one engine), and the first worker's detection still observes it.
   */
  readonly passPacket = (buf: Uint8Array, offset: number, capLen: number, wireLen: number, tsMicros: number, linkType: number): void => {
    this.countRecord(capLen, wireLen, tsMicros);
    if (this.detectionDecoder !== null) {
      const p = this.detectionDecoder.decode(buf, offset, capLen, wireLen, tsMicros, linkType);
      if (p.ipVersion !== 0) this.detector!.observe(p);
    }
  };

  private countRecord(capLen: number, wireLen: number, tsMicros: number): void {
    const stats = this.stats;
    stats.records++;
    stats.wireBytes += wireLen;
    stats.capturedBytes += capLen;
    if (stats.records === 1) stats.firstTsMicros = tsMicros;
    stats.lastTsMicros = tsMicros;
    // the clock never goes back: a capture out of time order does not undo timeouts
    if (tsMicros > this.clock) this.clock = tsMicros;
    this.expire(this.clock);
  }

  /** Writes the flows whose timeouts passed at capture time `now` (the engine's clock: it never goes back). */
  expire(now: number): void {
    this.decoder.fragments.expire(now);
    this.detectionDecoder?.fragments.expire(now);
    const table = this.flows;
    if (this.idleMicros > 0) {
      while (table.lruHead !== -1 && now - table.idleSince[table.lruHead]! > this.idleMicros) this.end(table.lruHead, 'idle');
    }
    if (this.activeMicros > 0) {
      while (table.ageHead !== -1 && now - table.ageSince[table.ageHead]! > this.activeMicros) {
        const id = table.ageHead;
        if (table.packets[id * 2]! + table.packets[id * 2 + 1]! > 0) {
          this.dpi?.finish(table, id, true);
          this.classify(id);
          this.onFlowEnd(table, id, 'active');
          this.dpi?.resume(id);
          this.stats.flowsEnded++;
          this.stats.flowsContinued++;
        }
        table.restartAge(id, now);
      }
    }
  }

  /**
   * Live capture: time passes without packets. Flows whose timeouts passed by `nowMicros` (the
   * capture's clock, i.e. the wall clock for a live interface) are written, and detection's
   * windows close.
   */
  advanceClock(nowMicros: number): void {
    if (!(nowMicros > this.clock) || this.clock === Number.NEGATIVE_INFINITY) return;
    this.clock = nowMicros;
    this.expire(nowMicros);
    this.detector?.tick(nowMicros);
  }

  /** End of one capture: writes every remaining flow, oldest first. */
  flush(): void {
    const table = this.flows;
    while (table.ageHead !== -1) this.end(table.ageHead, 'end');
    this.detector?.flush();
    // the next capture has a clock of its own
    this.clock = Number.NEGATIVE_INFINITY;
  }

  /** the statistical stage, after DPI; in a worker, whose flows the main thread names, only its prediction */
  private classify(id: number): void {
    const dpi = this.dpi;
    if (this.statistical === null || dpi === null) return;
    if (dpi.nameAtEnd) this.statistical.classify(this.flows, dpi.results, id);
    else this.statistical.predict(this.flows, dpi.results, id);
  }

  private end(id: number, reason: EndReason): void {
    const table = this.flows;
    // a flow restarted by the active timeout and silent since has nothing to report
    if (table.packets[id * 2]! + table.packets[id * 2 + 1]! > 0) {
      this.dpi?.finish(table, id);
      this.classify(id);
      this.onFlowEnd(table, id, reason);
      this.stats.flowsEnded++;
    }
    this.dpi?.release(id);
    table.remove(id);
  }
}
