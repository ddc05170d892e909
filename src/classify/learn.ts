import { type FeatureSet, FEATURE_SETS, featureNames } from './features.js';
import { DEFAULT_FOREST_OPTIONS, type ForestOptions, trainForest } from './forest.js';
import { chooseThreshold, type LabelKind, MODEL_FORMAT, MODEL_VERSION, type StatisticalModel } from './model.js';

// Training a model from labelled feature rows: the classes with enough examples, a forest, and
// the abstention threshold read off the out-of-bag votes so that the flows it names are right at
// least `precision` of the time.

export interface LabelledRow {
  /** the values of every feature set (featureNames(FEATURE_SETS)) */
  features: Float64Array;
  label: string;
  /** the row's capture: the forest's bootstrap draws whole captures (honest out-of-bag votes) */
  group?: number;
}

export interface TrainOptions {
  label: LabelKind;
  featureSets: FeatureSet[];
  /** classes with fewer rows are left out (the model never predicts them) */
  minExamples: number;
  minPackets: number;
  /** the out-of-bag precision the threshold is chosen for */
  precision: number;
  forest: ForestOptions;
  captures: number;
}

export const DEFAULT_PRECISION = 0.95;

/** positions of the chosen sets' features among all features */
export function featureColumns(sets: readonly FeatureSet[]): number[] {
  const all = featureNames(FEATURE_SETS);
  return featureNames(sets).map((n) => all.indexOf(n));
}

/** Trains a model; null when fewer than two classes have enough examples. */
export function trainModel(rows: readonly LabelledRow[], options: TrainOptions): StatisticalModel | null {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.label, (counts.get(r.label) ?? 0) + 1);
  const classes = [...counts].filter(([, n]) => n >= options.minExamples).map(([c]) => c).sort();
  if (classes.length < 2) return null;
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const kept = rows.filter((r) => classIndex.has(r.label));
  const columns = featureColumns(options.featureSets);
  const x = new Float64Array(kept.length * columns.length);
  const y = new Int32Array(kept.length);
  const groups = kept.every((r) => r.group !== undefined) ? Int32Array.from(kept, (r) => r.group!) : undefined;
  kept.forEach((r, i) => {
    for (let c = 0; c < columns.length; c++) x[i * columns.length + c] = r.features[columns[c]!]!;
    y[i] = classIndex.get(r.label)!;
  });
  const { forest, outOfBag } = trainForest({ x, features: columns.length, y, classes: classes.length, groups }, options.forest);
  // each row's out-of-bag top class and its probability (rows every tree saw have no vote)
  const probabilities: number[] = [];
  const right: boolean[] = [];
  for (let i = 0; i < kept.length; i++) {
    let best = 0;
    let sum = 0;
    for (let c = 0; c < classes.length; c++) {
      const p = outOfBag[i * classes.length + c]!;
      sum += p;
      if (p > outOfBag[i * classes.length + best]!) best = c;
    }
    if (sum === 0) continue;
    probabilities.push(outOfBag[i * classes.length + best]!);
    right.push(best === y[i]);
  }
  const threshold = probabilities.length > 0 ? chooseThreshold(probabilities, right, options.precision) : 0.5;
  let named = 0;
  let correct = 0;
  probabilities.forEach((p, i) => {
    if (p < threshold) return;
    named++;
    if (right[i]) correct++;
  });
  const round = (v: number): number => Math.round(v * 10000) / 10000;
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    label: options.label,
    featureSets: options.featureSets,
    features: featureNames(options.featureSets),
    classes,
    threshold,
    forest: compactForest(forest),
    training: {
      captures: options.captures,
      flows: kept.length,
      minPackets: options.minPackets,
      minExamples: options.minExamples,
      outOfBag: { coverage: round(named / Math.max(1, probabilities.length)), precision: round(correct / Math.max(1, named)), accuracy: round(correct / Math.max(1, probabilities.length)) },
      created: new Date().toISOString(),
    },
  };
}

/** thresholds and leaf shares to 6 significant digits: a third of the file, the same predictions to within rounding */
function compactForest(forest: StatisticalModel['forest']): StatisticalModel['forest'] {
  const r = (v: number): number => Number(v.toPrecision(6));
  return {
    classes: forest.classes,
    trees: forest.trees.map((t) => ({
      ...t,
      threshold: t.threshold.map((v, i) => (t.feature[i]! < 0 ? v : r(v))),
      leaves: t.leaves.map((leaf) => leaf.map((v, i) => (i % 2 === 0 ? v : r(v)))),
    })),
  };
}

export { DEFAULT_FOREST_OPTIONS };
