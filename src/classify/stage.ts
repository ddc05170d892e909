import { type DecodedPacket } from '../decode/packet.js';
import { findProtocol, protocolEntry } from '../dpi/api/catalog.js';
import { riskIndex } from '../dpi/api/risks.js';
import { Confidence, type DpiResults } from '../dpi/runtime/results.js';
import { type FlowRecordArrays } from '../flow/table.js';
import { extractFeatures, featureNames } from './features.js';
import { KissTable } from './kiss.js';
import { predict, type Prediction, type StatisticalModel } from './model.js';

// The statistical stage of the pipeline: it feeds the KISS table from the first client payloads
// of each flow, and at a flow's end, after DPI and the naming, names a flow that neither named
// (`name`), or flags where a confident model disagrees with DPI (`check`). It never overrides a
// name found by the payload, a host name, the address lists or a port.

/** payload packets of a flow, per direction, that feed its server's KISS signatures */
export const KISS_PACKETS_PER_FLOW = 32;

export type StatisticalMode = 'name' | 'check';

export class StatisticalStage {
  readonly kiss = new KissTable();
  private readonly features: Float64Array;
  private readonly scratch: Float64Array;
  private readonly prediction: Prediction = { label: -1, probability: 0 };
  /** per class: its catalog id for the label kind (0: none) */
  private readonly classIds: number[];
  readonly minPackets: number;
  /** whether the engine shows it the packets of flows DPI already named */
  readonly observesNamedFlows: boolean;
  /** flows the stage named */
  named = 0;
  /** flows where a confident model disagreed with DPI (check mode) */
  flagged = 0;

  constructor(
    readonly model: StatisticalModel | null,
    readonly mode: StatisticalMode = 'name',
  ) {
    this.features = new Float64Array(model ? featureNames(model.featureSets).length : 0);
    this.scratch = new Float64Array(model ? model.classes.length : 0);
    this.classIds = (model?.classes ?? []).map((c) => (model!.label === 'category' ? 0 : findProtocol(c) ?? 0));
    this.minPackets = model?.training.minPackets ?? 0;
    this.observesNamedFlows = model === null || mode === 'check';
  }

  /**
   * A packet with payload just counted in flow `id`. The engine calls it for every such packet
   * while training (no model) or checking, and otherwise only for flows their payload has not
   * named: only unnamed flows are classified, and their endpoint signatures come from the flows
   * to that endpoint that DPI cannot name either. Most traffic is named on its first packets, so
   * the stage costs little where it has nothing to do.
   */
  observe(t: FlowRecordArrays, id: number, p: DecodedPacket, dir: 0 | 1): void {
    if (t.packets[id * 2 + dir]! > KISS_PACKETS_PER_FLOW) return;
    const captured = Math.min(p.payloadLen, p.end - p.payloadOffset);
    this.kiss.observe(t, id, dir, p.buf, p.payloadOffset, Math.max(0, captured));
  }

  /** At flow `id`'s end, after the naming (one thread): predict, then adopt. */
  classify(t: FlowRecordArrays, r: DpiResults, id: number): void {
    this.predict(t, r, id);
    this.adopt(r, id);
  }

  /**
   * At flow `id`'s end, before or after the naming: the model's confident prediction goes to the
   * flow's meta (none when the payload named the flow, unless checking). A worker predicts for its
   * flows, and the main thread adopts the predictions once it has named them (engine/sharded.ts).
   */
  predict(t: FlowRecordArrays, r: DpiResults, id: number): void {
    const meta = r.meta[id];
    if (meta) meta.statistical = null;
    const model = this.model;
    if (model === null || t.packets[id * 2]! + t.packets[id * 2 + 1]! < this.minPackets) return;
    if (this.mode === 'name' && (r.protocol[id] !== 0 || r.application[id] !== 0)) return;
    extractFeatures(t, id, this.kiss, model.featureSets, this.features);
    const p = predict(model, this.features, 0, this.scratch, this.prediction);
    if (p.label < 0) return;
    r.metaOf(id).statistical = { label: model.classes[p.label]!, probability: Math.round(p.probability * 1000) / 1000 };
  }

  /** After the naming: a flow nothing named takes the prediction; a named one keeps its name (and, checking, is flagged where they differ). */
  adopt(r: DpiResults, id: number): void {
    const m = r.meta[id];
    const prediction = m?.statistical;
    if (!m || !prediction || this.model === null) return;
    const model = this.model;
    if (r.confidence[id] === Confidence.Unknown) {
      const catalogId = this.classIds[model.classes.indexOf(prediction.label)] ?? 0;
      if (model.label === 'protocol' && catalogId !== 0) r.protocol[id] = catalogId;
      if (model.label === 'application' && catalogId !== 0) r.application[id] = catalogId;
      r.confidence[id] = Confidence.Statistical;
      this.named++;
      return;
    }
    if (this.mode === 'name') {
      m.statistical = null;
      return;
    }
    const dpiName = dpiLabel(r, id, model.label);
    if (dpiName !== null && dpiName !== prediction.label) {
      m.addRisk(riskIndex('statistical_mismatch'), `statistics say ${prediction.label} (${Math.round(prediction.probability * 100)}%)`);
      this.flagged++;
    }
  }
}

/** what DPI named flow `id`, as a label of the kind given (null: nothing) */
export function dpiLabel(r: DpiResults, id: number, kind: StatisticalModel['label']): string | null {
  const protocol = r.protocol[id]!;
  const application = r.application[id]!;
  if (kind === 'protocol') return protocol ? protocolEntry(protocol).name : null;
  const named = application || protocol;
  if (named === 0) return null;
  return kind === 'application' ? protocolEntry(named).name : protocolEntry(named).category;
}
