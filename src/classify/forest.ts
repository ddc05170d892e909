import { seededRandom } from './seeded-random.js';

// A random forest (Breiman 2001) of classification trees: CART splits on Gini impurity, each
// tree grown on a bootstrap sample with a random subset of features tried at each node. Chosen
// over gradient boosting for this job: one pass, no learning rate or rounds to tune per site, and
// out-of-bag votes that estimate accuracy (and choose the abstention threshold) from the training
// data alone. Inference is a handful of comparisons per tree: nothing on the per-packet path.

export interface Tree {
  /** per node: the feature tested, or -1 for a leaf */
  feature: number[];
  /** per node: go left when value <= threshold; for a leaf, the index of its distribution in `leaves` */
  threshold: number[];
  left: number[];
  right: number[];
  /** per leaf: class index, share, class index, share… (the classes it holds; shares sum to 1) */
  leaves: number[][];
}

export interface Forest {
  classes: number;
  trees: Tree[];
}

export interface ForestOptions {
  trees: number;
  /** deepest node (root 0) */
  maxDepth: number;
  /** fewest samples in a leaf */
  minLeaf: number;
  /** features tried per node (default √features) */
  featuresPerNode?: number;
  seed: number;
}

export const DEFAULT_FOREST_OPTIONS: ForestOptions = { trees: 60, maxDepth: 24, minLeaf: 1, seed: 1 };

/** Class probabilities of one row (`x`, read from `at`) summed over the trees into `out` (length classes), then averaged. */
export function predictInto(forest: Forest, x: ArrayLike<number>, at: number, out: Float64Array): void {
  out.fill(0);
  for (const tree of forest.trees) addLeaf(tree, x, at, out);
  const n = forest.trees.length;
  if (n > 0) for (let c = 0; c < out.length; c++) out[c]! /= n;
}

function leafOf(tree: Tree, x: ArrayLike<number>, at: number): number[] {
  let node = 0;
  for (;;) {
    const f = tree.feature[node]!;
    if (f < 0) return tree.leaves[tree.threshold[node]!]!;
    node = x[at + f]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
  }
}

function addLeaf(tree: Tree, x: ArrayLike<number>, at: number, out: Float64Array): void {
  const leaf = leafOf(tree, x, at);
  for (let i = 0; i < leaf.length; i += 2) out[leaf[i]!]! += leaf[i + 1]!;
}

export interface TrainingSet {
  /** rows × features, row-major */
  x: Float64Array;
  features: number;
  /** class index per row */
  y: Int32Array;
  classes: number;
  /**
   * the group of each row (its capture): when given, each tree's bootstrap draws whole groups,
   * so a row's out-of-bag votes come from trees that saw nothing of its capture. Flows of one
   * capture share hosts and sessions; row-level out-of-bag votes would be as optimistic as a
   * split by flow
   */
  groups?: Int32Array;
}

export interface TrainedForest {
  forest: Forest;
  /** per row, row-major rows × classes: the averaged votes of the trees that did not see the row (all 0 when every tree did) */
  outOfBag: Float64Array;
}

/** Grows a forest; deterministic for a seed. */
export function trainForest(data: TrainingSet, options: ForestOptions = DEFAULT_FOREST_OPTIONS): TrainedForest {
  const rows = data.y.length;
  const random = seededRandom(options.seed);
  const mtry = Math.max(1, Math.min(data.features, options.featuresPerNode ?? Math.round(Math.sqrt(data.features))));
  const trees: Tree[] = [];
  const oob = new Float64Array(rows * data.classes);
  const oobTrees = new Uint16Array(rows);
  const inBag = new Uint8Array(rows);
  const scratch = new Float64Array(data.classes);
  const members = data.groups ? groupMembers(data.groups) : null;
  for (let t = 0; t < options.trees; t++) {
    inBag.fill(0);
    const sample = members ? groupBootstrap(members, rows, random) : new Int32Array(rows);
    if (!members) for (let i = 0; i < rows; i++) sample[i] = Math.floor(random() * rows);
    for (const r of sample) inBag[r] = 1;
    const tree = new TreeBuilder(data, options, mtry, random).grow(sample);
    trees.push(tree);
    for (let r = 0; r < rows; r++) {
      if (inBag[r]) continue;
      scratch.fill(0);
      addLeaf(tree, data.x, r * data.features, scratch);
      for (let c = 0; c < data.classes; c++) oob[r * data.classes + c]! += scratch[c]!;
      oobTrees[r]!++;
    }
  }
  for (let r = 0; r < rows; r++) {
    if (oobTrees[r] === 0) continue;
    for (let c = 0; c < data.classes; c++) oob[r * data.classes + c]! /= oobTrees[r]!;
  }
  return { forest: { classes: data.classes, trees }, outOfBag: oob };
}

/** rows of each group, groups in order of first appearance */
function groupMembers(groups: Int32Array): number[][] {
  const byGroup = new Map<number, number[]>();
  groups.forEach((g, r) => {
    let list = byGroup.get(g);
    if (!list) byGroup.set(g, (list = []));
    list.push(r);
  });
  return [...byGroup.values()];
}

/** as many group draws (with replacement) as there are groups; each draw brings all the group's rows */
function groupBootstrap(members: number[][], rows: number, random: () => number): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < members.length; i++) out.push(...members[Math.floor(random() * members.length)]!);
  // a tree needs rows: with one group only, or bad luck on tiny data, fall back to every row
  return out.length > 0 ? Int32Array.from(out) : Int32Array.from({ length: rows }, (_, r) => r);
}

class TreeBuilder {
  private readonly tree: Tree = { feature: [], threshold: [], left: [], right: [], leaves: [] };
  private readonly leftCounts: Float64Array;
  private readonly counts: Float64Array;
  private order: Int32Array;
  private readonly values: Float64Array;

  constructor(
    private readonly data: TrainingSet,
    private readonly options: ForestOptions,
    private readonly mtry: number,
    private readonly random: () => number,
  ) {
    this.leftCounts = new Float64Array(data.classes);
    this.counts = new Float64Array(data.classes);
    // a group bootstrap can hold more rows than the data (a large group drawn twice)
    this.order = new Int32Array(data.y.length);
    this.values = new Float64Array(data.y.length);
  }

  grow(sample: Int32Array): Tree {
    this.node(sample, 0);
    return this.tree;
  }

  private newNode(): number {
    const t = this.tree;
    t.feature.push(-1);
    t.threshold.push(0);
    t.left.push(-1);
    t.right.push(-1);
    return t.feature.length - 1;
  }

  private leaf(node: number, rows: Int32Array): void {
    const counts = this.counts;
    counts.fill(0);
    for (const r of rows) counts[this.data.y[r]!]!++;
    const leaf: number[] = [];
    for (let c = 0; c < counts.length; c++) if (counts[c]! > 0) leaf.push(c, counts[c]! / rows.length);
    this.tree.threshold[node] = this.tree.leaves.length;
    this.tree.leaves.push(leaf);
  }

  private node(rows: Int32Array, depth: number): number {
    const node = this.newNode();
    const { data, options } = this;
    const n = rows.length;
    const counts = this.counts;
    counts.fill(0);
    for (const r of rows) counts[data.y[r]!]!++;
    let pure = false;
    for (let c = 0; c < counts.length; c++) if (counts[c] === n) pure = true;
    if (pure || depth >= options.maxDepth || n < 2 * options.minLeaf) {
      this.leaf(node, rows);
      return node;
    }
    let totalSq = 0;
    for (let c = 0; c < counts.length; c++) totalSq += counts[c]! * counts[c]!;
    // minimise n_L − ΣL²/n_L + n_R − ΣR²/n_R (weighted Gini impurity × n)
    let best = n - totalSq / n - 1e-12;
    let bestFeature = -1;
    let bestThreshold = 0;
    if (n > this.order.length) this.order = new Int32Array(n);
    const order = this.order.subarray(0, n);
    const values = this.values;
    const left = this.leftCounts;
    // features constant at this node do not count towards the ones tried (as in Breiman's and
    // scikit-learn's forests): with many features constant in a region, a node would otherwise
    // become a leaf while a split was there to be found
    const tried = new Set<number>();
    let varying = 0;
    while (varying < this.mtry && tried.size < data.features) {
      const f = Math.floor(this.random() * data.features);
      if (tried.has(f)) continue;
      tried.add(f);
      for (let i = 0; i < n; i++) {
        order[i] = rows[i]!;
        values[rows[i]!] = data.x[rows[i]! * data.features + f]!;
      }
      order.sort((a, b) => values[a]! - values[b]!);
      if (values[order[0]!] === values[order[n - 1]!]) continue;
      varying++;
      left.fill(0);
      let leftSq = 0;
      let rightSq = totalSq;
      for (let i = 0; i < n - 1; i++) {
        const c = data.y[order[i]!]!;
        leftSq += 2 * left[c]! + 1;
        const right = counts[c]! - left[c]!;
        rightSq -= 2 * right - 1;
        left[c]!++;
        const v = values[order[i]!]!;
        const next = values[order[i + 1]!]!;
        if (v === next) continue;
        const nl = i + 1;
        const nr = n - nl;
        if (nl < options.minLeaf || nr < options.minLeaf) continue;
        const impurity = nl - leftSq / nl + nr - rightSq / nr;
        if (impurity < best) {
          best = impurity;
          bestFeature = f;
          bestThreshold = (v + next) / 2;
        }
      }
    }
    if (bestFeature < 0) {
      this.leaf(node, rows);
      return node;
    }
    let nl = 0;
    for (const r of rows) if (data.x[r * data.features + bestFeature]! <= bestThreshold) nl++;
    const leftRows = new Int32Array(nl);
    const rightRows = new Int32Array(n - nl);
    let li = 0;
    let ri = 0;
    for (const r of rows) {
      if (data.x[r * data.features + bestFeature]! <= bestThreshold) leftRows[li++] = r;
      else rightRows[ri++] = r;
    }
    this.tree.feature[node] = bestFeature;
    this.tree.threshold[node] = bestThreshold;
    const l = this.node(leftRows, depth + 1);
    const r = this.node(rightRows, depth + 1);
    this.tree.left[node] = l;
    this.tree.right[node] = r;
    return node;
  }
}
