import { seededRandom } from './seeded-random.js';
import { featureColumns, type LabelledRow, type TrainOptions, trainModel } from './learn.js';
import { predict, type Prediction, type StatisticalModel } from './model.js';

// Measuring a statistical classifier the way it will be used: the truth is sonde's own DPI label,
// the prediction sees statistics only. Cross-validation splits by capture file, never flows of one
// capture on both sides (flows of one capture share hosts and sessions: a split by flow would
// measure memory, not generalisation).

export interface EvaluationRow extends LabelledRow {
  capture: number;
  /** what sonde named the flow without the statistical stage, under the same hiding (null: nothing) */
  baseline: string | null;
}

export interface ClassScore {
  support: number;
  precision: number;
  recall: number;
}

export interface EvaluationResult {
  flows: number;
  /** share of the flows given a label */
  coverage: number;
  /** share of those labels that are right */
  precision: number;
  /** right labels / all flows */
  accuracy: number;
  baseline_accuracy: number;
  /**
   * share of the flows whose true class the model that scored them knows (trained with enough
   * examples): the most any accuracy can be. Under a split by capture, a protocol seen in one
   * capture only cannot be learned
   */
  learnable: number;
  per_class: Record<string, ClassScore>;
  /** truth label → predicted label ('-' when the model abstained) → flows */
  confusion: Record<string, Record<string, number>>;
  /** folds that could train a model (each needs two classes with enough examples) */
  folds: number;
}

export const ABSTAINED = '-';

/** predictions of one model for some rows ('-' where it abstains) */
export function predictRows(model: StatisticalModel, rows: readonly LabelledRow[]): { label: string; probability: number }[] {
  const columns = featureColumns(model.featureSets);
  const x = new Float64Array(columns.length);
  const scratch = new Float64Array(model.classes.length);
  const p: Prediction = { label: -1, probability: 0 };
  return rows.map((r) => {
    for (let c = 0; c < columns.length; c++) x[c] = r.features[columns[c]!]!;
    predict(model, x, 0, scratch, p);
    return { label: p.label < 0 ? ABSTAINED : model.classes[p.label]!, probability: p.probability };
  });
}

export function score(rows: readonly EvaluationRow[], predicted: readonly string[], folds: number, known: readonly boolean[]): EvaluationResult {
  let named = 0;
  let learnable = 0;
  let right = 0;
  let baselineRight = 0;
  const confusion: Record<string, Record<string, number>> = {};
  const perClass = new Map<string, { support: number; predicted: number; right: number }>();
  const cls = (c: string) => {
    let s = perClass.get(c);
    if (!s) perClass.set(c, (s = { support: 0, predicted: 0, right: 0 }));
    return s;
  };
  rows.forEach((r, i) => {
    const p = predicted[i]!;
    if (known[i]) learnable++;
    cls(r.label).support++;
    if (r.baseline === r.label) baselineRight++;
    const row = (confusion[r.label] ??= {});
    row[p] = (row[p] ?? 0) + 1;
    if (p === ABSTAINED) return;
    named++;
    cls(p).predicted++;
    if (p === r.label) {
      right++;
      cls(p).right++;
    }
  });
  const ratio = (a: number, b: number): number => (b === 0 ? 0 : Math.round((a / b) * 10000) / 10000);
  const per_class: Record<string, ClassScore> = {};
  for (const [c, s] of [...perClass].sort((a, b) => b[1].support - a[1].support || a[0].localeCompare(b[0]))) {
    per_class[c] = { support: s.support, precision: ratio(s.right, s.predicted), recall: ratio(s.right, s.support) };
  }
  return {
    flows: rows.length,
    coverage: ratio(named, rows.length),
    precision: ratio(right, named),
    accuracy: ratio(right, rows.length),
    baseline_accuracy: ratio(baselineRight, rows.length),
    learnable: ratio(learnable, rows.length),
    per_class,
    confusion,
    folds,
  };
}

/** Which fold each capture is in: a seeded shuffle of the captures dealt round the folds. */
export function assignFolds(captures: number, folds: number, seed: number): Int32Array {
  const order = Array.from({ length: captures }, (_, i) => i);
  const random = seededRandom(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const fold = new Int32Array(captures);
  order.forEach((c, k) => (fold[c] = k % folds));
  return fold;
}

/**
 * K-fold cross-validation by capture: each fold's flows are predicted by a model trained on the
 * other folds' flows (`training` rows; `testing` rows are those scored, a subset or the same).
 */
export function crossValidate(training: readonly EvaluationRow[], testing: readonly EvaluationRow[], captures: number, folds: number, options: TrainOptions, seed = 1, trainingShare = 1): EvaluationResult {
  const foldOf = assignFolds(captures, folds, seed);
  // a learning curve trains on a share of each fold's training captures (the same ones at every size)
  const rank = assignFolds(captures, captures, seed + 1);
  const predicted = new Array<string>(testing.length).fill(ABSTAINED);
  const known = new Array<boolean>(testing.length).fill(false);
  let trained = 0;
  for (let k = 0; k < folds; k++) {
    const model = trainModel(training.filter((r) => foldOf[r.capture] !== k && rank[r.capture]! < trainingShare * captures), options);
    if (!model) continue;
    trained++;
    const at: number[] = [];
    testing.forEach((r, i) => foldOf[r.capture] === k && at.push(i));
    const out = predictRows(model, at.map((i) => testing[i]!));
    const classes = new Set(model.classes);
    at.forEach((i, j) => {
      predicted[i] = out[j]!.label;
      known[i] = classes.has(testing[i]!.label);
    });
  }
  return score(testing, predicted, trained, known);
}

/** A split in two halves by capture (the portability question): train on one, score the other. */
export function splitHalves(training: readonly EvaluationRow[], testing: readonly EvaluationRow[], captures: number, options: TrainOptions, seed = 1): EvaluationResult {
  const half = assignFolds(captures, 2, seed);
  const model = trainModel(training.filter((r) => half[r.capture] === 0), options);
  const test = testing.filter((r) => half[r.capture] === 1);
  const predicted = model ? predictRows(model, test).map((p) => p.label) : test.map(() => ABSTAINED);
  return score(test, predicted, model ? 1 : 0, test.map((r) => model?.classes.includes(r.label) ?? false));
}

/**
 * The same-site question: within each capture, the flows that ended first train and the later
 * ones are scored (rows in the order their flows ended). Flows of one site and time share
 * servers and software, as a probe's training week and the week after do; this is the setting in
 * which early-flow statistics were reported close to DPI, not a measure of portability.
 */
export function splitByTime(rows: readonly EvaluationRow[], options: TrainOptions): EvaluationResult {
  const total = new Map<number, number>();
  for (const r of rows) total.set(r.capture, (total.get(r.capture) ?? 0) + 1);
  const seen = new Map<number, number>();
  const early: EvaluationRow[] = [];
  const late: EvaluationRow[] = [];
  for (const r of rows) {
    const k = seen.get(r.capture) ?? 0;
    seen.set(r.capture, k + 1);
    (k < Math.floor(total.get(r.capture)! / 2) ? early : late).push(r);
  }
  // the out-of-bag votes must not see the scored half's capture as unseen: draw rows, not captures
  const model = trainModel(early.map((r) => ({ features: r.features, label: r.label })), options);
  const predicted = model ? predictRows(model, late).map((p) => p.label) : late.map(() => ABSTAINED);
  return score(late, predicted, model ? 1 : 0, late.map((r) => model?.classes.includes(r.label) ?? false));
}
