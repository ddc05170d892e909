import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FeatureSet } from '../classify/features.js';
import { DEFAULT_FOREST_OPTIONS } from '../classify/forest.js';
import { crossValidate, type EvaluationResult, type EvaluationRow, predictRows, score, splitByTime, splitHalves } from '../classify/evaluation.js';
import { DEFAULT_PRECISION, type TrainOptions, trainModel } from '../classify/learn.js';
import { type LabelKind, LABELS, loadModel, ModelError } from '../classify/model.js';
import { choiceOption, helpText, integerOption, numberOption, type OptionSpec, parseArgs, type ParsedArgs, UsageError } from './args.js';
import { collectSamples, labelOf, type SampleSet } from './flow-samples.js';
import { InputError } from './input.js';

// `sonde train` and `sonde evaluate`: per-site statistical models, trained on the flows that
// sonde's own dissectors named, and measured with cross-validation by capture file.

const DEFAULT_FEATURES: FeatureSet[] = ['early', 'kiss'];
const DEFAULT_MIN_PACKETS = 4;
const DEFAULT_MIN_EXAMPLES = 5;

const COMMON_OPTIONS: OptionSpec[] = [
  { name: 'label', value: true, valueName: 'protocol|application|category', help: 'what to predict (default protocol)' },
  { name: 'min-packets', value: true, valueName: 'N', help: `flows of at least N packets (default ${DEFAULT_MIN_PACKETS})` },
  { name: 'min-examples', value: true, valueName: 'N', help: `classes with fewer training flows are left out (default ${DEFAULT_MIN_EXAMPLES})` },
  { name: 'features', value: true, valueName: 'LIST', help: "feature sets: early (first packets, per-direction statistics, TCP flags), kiss (payload chi-square signature of the server), port; default early,kiss, '+port' adds to it" },
  { name: 'trees', value: true, valueName: 'N', help: `trees of the forest (default ${DEFAULT_FOREST_OPTIONS.trees})` },
  { name: 'precision', value: true, valueName: 'P', help: `the abstention threshold is chosen for this out-of-bag precision (default ${DEFAULT_PRECISION})` },
  { name: 'seed', value: true, valueName: 'N', help: 'random seed of the forest and the folds (default 1)' },
  { name: 'no-progress', value: false, help: 'no progress line (it only shows on a terminal anyway)' },
  { name: 'help', short: 'h', value: false, help: 'show this help' },
];

const TRAIN_OPTIONS: OptionSpec[] = [{ name: 'output', short: 'o', value: true, valueName: 'FILE', help: 'where to write the model (JSON)' }, ...COMMON_OPTIONS];

const EVALUATE_OPTIONS: OptionSpec[] = [
  { name: 'model', value: true, valueName: 'FILE', help: 'score this model (trained elsewhere) on the captures' },
  { name: 'folds', value: true, valueName: 'K', help: 'K-fold cross-validation split by capture file (default 5 without --model)' },
  { name: 'split', value: true, valueName: 'halves|time', help: 'halves: train on one half of the captures, score the other (how far a model carries); time: in each capture, train on the flows that ended first, score the later ones (one site, later traffic)' },
  { name: 'learning-curve', value: false, help: 'cross-validate with 20%, 40%… 100% of the training captures: does more traffic help?' },
  { name: 'hide-names', value: false, help: 'no SNI, HTTP Host, DNS names or DNS-learned labels in the baseline (the ECH world)' },
  { name: 'transport', value: true, valueName: 'tcp|udp', help: 'only flows over this transport' },
  { name: 'only', value: true, valueName: 'PROTOCOLS', help: 'only flows whose protocol (as DPI named it) is one of these, e.g. TLS,QUIC' },
  { name: 'format', short: 'f', value: true, valueName: 'table|json', help: 'table (default) or one JSON document' },
  ...COMMON_OPTIONS,
];

const TRAIN_USAGE = `Usage: sonde train CAPTURE|DIR... -o MODEL [options]

Trains a statistical model on the flows that sonde's dissectors named in the captures (a folder
stands for its capture files): a random forest over each flow's first packets, statistics and
server payload signature (KISS), with a threshold below which it abstains. 'sonde analyze
--model MODEL' then names the flows DPI leaves unknown.`;

const EVALUATE_USAGE = `Usage: sonde evaluate CAPTURE|DIR... [--model MODEL | --folds K | --split halves] [options]

Measures statistical identification: the truth is sonde's DPI label, the prediction sees
statistics only. Prints coverage (flows given a label), precision (labels right), accuracy
(right / all), the baseline (sonde without statistics, under the same --hide-names), per class
scores and the confusion matrix.`;

/** capture files of the arguments: files as given, folders by their capture files */
function captureFiles(positionals: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of positionals) {
    let isDir = false;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      throw new InputError(`cannot read '${p}': no such file or folder`);
    }
    if (!isDir) {
      out.push(p);
      continue;
    }
    const files = readdirSync(p).filter((f) => /\.(pcap|pcapng|cap|pcap\.gz|pcapng\.gz)$/i.test(f)).sort();
    if (files.length === 0) throw new InputError(`folder '${p}' holds no capture (.pcap, .pcapng, .cap, optionally .gz)`);
    out.push(...files.map((f) => join(p, f)));
  }
  return out;
}

function featureOption(args: ParsedArgs): FeatureSet[] {
  const v = args.options.get('features');
  if (v === undefined) return DEFAULT_FEATURES;
  const text = String(v);
  const adding = text.startsWith('+');
  const names = (adding ? text.slice(1) : text).split(',').map((s) => s.trim()).filter((s) => s !== '');
  const known: FeatureSet[] = ['early', 'kiss', 'port'];
  const bad = names.find((n) => !known.includes(n as FeatureSet));
  if (names.length === 0 || bad !== undefined) throw new UsageError(`option '--features' takes a comma list of early, kiss, port (or '+port'); not '${bad ?? text}'`);
  const sets = new Set<FeatureSet>(adding ? [...DEFAULT_FEATURES, ...(names as FeatureSet[])] : (names as FeatureSet[]));
  return known.filter((k) => sets.has(k));
}

function trainOptions(args: ParsedArgs, label: LabelKind, captures: number): TrainOptions {
  const precision = numberOption(args, 'precision', DEFAULT_PRECISION);
  if (precision > 1) throw new UsageError(`option '--precision' takes a share between 0 and 1, not ${precision}`);
  return {
    label,
    featureSets: featureOption(args),
    minExamples: integerOption(args, 'min-examples', DEFAULT_MIN_EXAMPLES, 1),
    minPackets: integerOption(args, 'min-packets', DEFAULT_MIN_PACKETS, 1),
    precision,
    forest: { ...DEFAULT_FOREST_OPTIONS, trees: integerOption(args, 'trees', DEFAULT_FOREST_OPTIONS.trees, 1, 1000), seed: integerOption(args, 'seed', 1, 0) },
    captures,
  };
}

async function collect(args: ParsedArgs, hideNames: boolean): Promise<SampleSet> {
  const files = captureFiles(args.positionals);
  const show = !args.options.has('no-progress') && process.stderr.isTTY === true;
  const set = await collectSamples(files, { hideNames, onCapture: (n) => show && process.stderr.write(`\rreading captures: ${n}/${files.length}  `) });
  if (show) process.stderr.write('\r\x1b[2K');
  for (const e of set.errors) process.stderr.write(`sonde: ${e}\n`);
  if (set.captures.length === 0) throw new InputError('no capture could be read');
  return set;
}

export async function train(argv: string[]): Promise<number> {
  const args = parseArgs(argv, TRAIN_OPTIONS, 'train');
  if (args.options.has('help')) {
    process.stdout.write(helpText(TRAIN_USAGE, TRAIN_OPTIONS));
    return 0;
  }
  const output = args.options.get('output');
  if (typeof output !== 'string') throw new UsageError("no model file given: 'sonde train CAPTURE... -o MODEL'");
  if (args.positionals.length === 0) throw new UsageError("no capture given: 'sonde train CAPTURE|DIR... -o MODEL'");
  const label = choiceOption(args, 'label', LABELS, 'protocol');
  const set = await collect(args, false);
  const options = trainOptions(args, label, set.captures.length);
  const rows = set.samples.flatMap((s) => {
    const l = labelOf(s, label);
    return l !== null && s.packets >= options.minPackets ? [{ features: s.features, label: l, group: s.capture }] : [];
  });
  const model = trainModel(rows, options);
  if (!model) throw new InputError(`fewer than two ${label}s have ${options.minExamples} flows of ${options.minPackets}+ packets in these captures: give more traffic or lower --min-examples`);
  try {
    writeFileSync(output, JSON.stringify(model) + '\n');
  } catch (e) {
    throw new InputError(`cannot write '${output}': ${(e as Error).message}`);
  }
  const oob = model.training.outOfBag;
  process.stderr.write(
    `sonde: ${output}: ${model.classes.length} ${label}s from ${model.training.flows.toLocaleString('en-US')} flows of ${set.captures.length} captures; ` +
      `names ${(oob.coverage * 100).toFixed(1)}% of them at ${(oob.precision * 100).toFixed(1)}% precision (out-of-bag, threshold ${model.threshold.toFixed(3)})\n`,
  );
  return 0;
}

export async function evaluate(argv: string[]): Promise<number> {
  const args = parseArgs(argv, EVALUATE_OPTIONS, 'evaluate');
  if (args.options.has('help')) {
    process.stdout.write(helpText(EVALUATE_USAGE, EVALUATE_OPTIONS));
    return 0;
  }
  if (args.positionals.length === 0) throw new UsageError("no capture given: 'sonde evaluate CAPTURE|DIR... [--folds K | --model MODEL]'");
  const format = choiceOption(args, 'format', ['table', 'json'] as const, 'table');
  const modelPath = args.options.get('model');
  const split = args.options.get('split');
  if (split !== undefined && split !== 'halves' && split !== 'time') throw new UsageError(`option '--split' takes 'halves' or 'time', not '${String(split)}'`);
  const modes = [typeof modelPath === 'string', args.options.has('folds'), split !== undefined].filter(Boolean).length;
  if (modes > 1) throw new UsageError('give one of --model, --folds and --split');
  const folds = integerOption(args, 'folds', 5, 2, 100);
  let model = null;
  if (typeof modelPath === 'string') {
    try {
      model = loadModel(modelPath);
    } catch (e) {
      if (e instanceof ModelError) throw new InputError(e.message);
      throw e;
    }
  }
  const label = model?.label ?? choiceOption(args, 'label', LABELS, 'protocol');
  if (model && args.options.has('label') && args.options.get('label') !== model.label) throw new UsageError(`the model predicts ${model.label}, not ${String(args.options.get('label'))}`);
  const transport = args.options.has('transport') ? choiceOption(args, 'transport', ['tcp', 'udp'] as const, 'tcp') : null;
  const only = args.options.has('only') ? new Set(String(args.options.get('only')).split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '')) : null;
  const hideNames = args.options.has('hide-names');
  const set = await collect(args, hideNames);
  const options = trainOptions(args, label, set.captures.length);
  const minPackets = integerOption(args, 'min-packets', model?.training.minPackets ?? DEFAULT_MIN_PACKETS, 1);
  const rows: EvaluationRow[] = [];
  for (const s of set.samples) {
    const truth = labelOf(s, label);
    if (truth === null || s.packets < minPackets) continue;
    if (transport !== null && s.transport !== transport) continue;
    if (only !== null && !only.has((s.truth.protocol ?? '').toLowerCase())) continue;
    rows.push({ capture: s.capture, group: s.capture, features: s.features, label: truth, baseline: hideNames ? labelOf(s, label, true) : truth });
  }
  let result: EvaluationResult;
  let how: string;
  if (model) {
    result = score(rows, predictRows(model, rows).map((p) => p.label), 1, rows.map((r) => model.classes.includes(r.label)));
    how = `model ${String(modelPath)}`;
  } else if (split === 'halves') {
    result = splitHalves(rows, rows, set.captures.length, options, options.forest.seed);
    how = 'trained on half of the captures, scored on the other half';
  } else if (split === 'time') {
    result = splitByTime(rows, options);
    how = "trained on each capture's first flows, scored on its later ones";
  } else {
    result = crossValidate(rows, rows, set.captures.length, folds, options, options.forest.seed);
    how = `${folds}-fold cross-validation by capture`;
  }
  const curve = args.options.has('learning-curve') && !model && split === undefined
    ? [0.2, 0.4, 0.6, 0.8].map((share) => ({ share, ...pick(crossValidate(rows, rows, set.captures.length, folds, options, options.forest.seed, share)) })).concat([{ share: 1, ...pick(result) }])
    : null;
  if (format === 'json') {
    process.stdout.write(JSON.stringify({ label, method: how, captures: set.captures.length, features: model?.featureSets ?? options.featureSets, hide_names: hideNames, min_packets: minPackets, ...result, ...(curve ? { learning_curve: curve } : {}) }, null, 2) + '\n');
  } else {
    process.stdout.write(renderTable(result, label, how, set.captures.length));
    if (curve) {
      process.stdout.write('\nlearning curve (share of each fold\'s training captures)\n');
      for (const c of curve) process.stdout.write(`  ${pct(c.share).padStart(6)}  coverage ${pct(c.coverage).padStart(6)}  precision ${pct(c.precision).padStart(6)}  accuracy ${pct(c.accuracy).padStart(6)}  learnable ${pct(c.learnable).padStart(6)}\n`);
    }
  }
  return 0;
}

const pick = (r: EvaluationResult) => ({ coverage: r.coverage, precision: r.precision, accuracy: r.accuracy, learnable: r.learnable });

const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;

function renderTable(r: EvaluationResult, label: string, how: string, captures: number): string {
  const lines = [
    `${label}, ${how}: ${r.flows.toLocaleString('en-US')} flows of ${captures} captures`,
    `coverage ${pct(r.coverage)}  precision ${pct(r.precision)}  accuracy ${pct(r.accuracy)}  baseline accuracy ${pct(r.baseline_accuracy)}`,
    `learnable ${pct(r.learnable)} (flows whose class the scoring model was trained on: the most accuracy can reach)`,
    '',
    `${'class'.padEnd(24)} ${'support'.padStart(8)} ${'precision'.padStart(10)} ${'recall'.padStart(8)}`,
  ];
  const classes = Object.entries(r.per_class);
  for (const [c, s] of classes.slice(0, 25)) lines.push(`${c.slice(0, 24).padEnd(24)} ${String(s.support).padStart(8)} ${pct(s.precision).padStart(10)} ${pct(s.recall).padStart(8)}`);
  if (classes.length > 25) lines.push(`… ${classes.length - 25} more classes (--format json has them all)`);
  // the confusion matrix of the most frequent classes; '-' is an abstention
  const top = classes.slice(0, 10).map(([c]) => c);
  const cols = [...top, '-'];
  lines.push('', 'confusion (rows: truth, columns: prediction; the 10 largest classes)');
  lines.push(''.padEnd(14) + cols.map((c) => c.slice(0, 7).padStart(8)).join(''));
  for (const t of top) {
    const row = r.confusion[t] ?? {};
    lines.push(t.slice(0, 13).padEnd(14) + cols.map((c) => String(row[c] ?? 0).padStart(8)).join(''));
  }
  return lines.join('\n') + '\n';
}
