import { readFileSync } from 'node:fs';
import { type FeatureSet, FEATURE_SETS, featureNames } from './features.js';
import { type Forest, predictInto } from './forest.js';

// A statistical model as sonde writes and reads it: a versioned JSON document holding what it
// predicts (the label), from which features, its classes, the forest, and the probability below
// which it abstains. Loaded once at start; the same file works on any machine.

export const MODEL_FORMAT = 'sonde-statistical-model';
export const MODEL_VERSION = 1;
export const LABELS = ['protocol', 'application', 'category'] as const;
export type LabelKind = (typeof LABELS)[number];

export interface ModelTraining {
  /** the captures (base names) the model was trained on */
  captures: number;
  flows: number;
  /** fewest packets of a training flow */
  minPackets: number;
  /** fewest training flows of a class kept */
  minExamples: number;
  /** out-of-bag estimate at the threshold: coverage and precision on the training flows */
  outOfBag: { coverage: number; precision: number; accuracy: number };
  created: string;
}

export interface StatisticalModel {
  format: typeof MODEL_FORMAT;
  version: number;
  label: LabelKind;
  featureSets: FeatureSet[];
  /** checked on load against the features this build computes */
  features: string[];
  classes: string[];
  /** the model names a flow only when its top class has at least this probability */
  threshold: number;
  forest: Forest;
  training: ModelTraining;
}

export class ModelError extends Error {}

/** Reads and checks a model file; a wrong or stale file is one ModelError saying what to do. */
export function loadModel(path: string): StatisticalModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ModelError(`cannot read model '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let m: Partial<StatisticalModel>;
  try {
    m = JSON.parse(text) as Partial<StatisticalModel>;
  } catch {
    throw new ModelError(`'${path}' is not JSON: not a sonde model (write one with 'sonde train')`);
  }
  return checkModel(m, path);
}

export function checkModel(m: Partial<StatisticalModel>, path: string): StatisticalModel {
  if (m.format !== MODEL_FORMAT) throw new ModelError(`'${path}' is not a sonde model (write one with 'sonde train')`);
  if (m.version !== MODEL_VERSION) throw new ModelError(`model '${path}' is version ${m.version}, this sonde reads version ${MODEL_VERSION}: train it again`);
  if (!m.label || !LABELS.includes(m.label)) throw new ModelError(`model '${path}' predicts an unknown label '${m.label}'`);
  const sets = m.featureSets ?? [];
  if (sets.some((s) => !FEATURE_SETS.includes(s))) throw new ModelError(`model '${path}' uses unknown features: train it again`);
  const expected = featureNames(sets);
  if (JSON.stringify(expected) !== JSON.stringify(m.features)) throw new ModelError(`model '${path}' was trained on other features than this sonde computes: train it again`);
  if (!m.forest || !Array.isArray(m.classes) || m.forest.classes !== m.classes.length || typeof m.threshold !== 'number') {
    throw new ModelError(`model '${path}' is incomplete: train it again`);
  }
  return m as StatisticalModel;
}

export interface Prediction {
  /** class index, -1 when the model abstains */
  label: number;
  probability: number;
}

/** Predicts one feature row; abstains (label -1) below the model's threshold. Reuses `scratch` (length classes). */
export function predict(model: StatisticalModel, x: ArrayLike<number>, at: number, scratch: Float64Array, out: Prediction): Prediction {
  predictInto(model.forest, x, at, scratch);
  let best = 0;
  for (let c = 1; c < scratch.length; c++) if (scratch[c]! > scratch[best]!) best = c;
  out.probability = scratch.length > 0 ? scratch[best]! : 0;
  out.label = scratch.length > 0 && out.probability >= model.threshold ? best : -1;
  return out;
}

/**
 * The lowest threshold at which the predictions at or above it are right at least `precision`
 * of the time (most coverage for that precision), from (probability, right) pairs such as the
 * out-of-bag votes. When no threshold reaches it, the one with the best precision.
 */
export function chooseThreshold(probabilities: ArrayLike<number>, right: ArrayLike<boolean>, precision: number): number {
  const order = Array.from({ length: probabilities.length }, (_, i) => i).sort((a, b) => probabilities[b]! - probabilities[a]!);
  let correct = 0;
  let chosen = Number.NaN;
  let bestPrecision = -1;
  let bestAt = 1;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    if (right[i]) correct++;
    const p = probabilities[i]!;
    // a threshold falls between distinct probabilities only
    if (k + 1 < order.length && probabilities[order[k + 1]!] === p) continue;
    const prec = correct / (k + 1);
    if (prec >= precision) chosen = p;
    if (prec > bestPrecision) {
      bestPrecision = prec;
      bestAt = p;
    }
  }
  return Number.isNaN(chosen) ? bestAt : chosen;
}
