import type { Rng } from './prng.js';

// A random forest over per-voxel features (as ilastik's pixel classification): each tree is
// grown on a bootstrap of the training rows, splitting on the Gini impurity of a random subset
// of the features at each node, with thresholds from a per-feature quantile binning. Its
// capacity grows with the data (deeper, more varied trees) instead of being fixed as a
// network's is, and a subset of its trees gives a Monte-Carlo sample of its prediction.

// One tree, as flat arrays: node n splits on feature[n] at threshold[n] (value <= threshold
// goes to left[n], else right[n]); a leaf has left[n] = -1 and its class distribution at
// probs[leaf[n] * classes ...].
export interface Tree {
  feature: Uint8Array;
  threshold: Float32Array;
  left: Int32Array;
  right: Int32Array;
  leaf: Int32Array;
  probs: Float32Array;
}

export interface Forest {
  classes: number;
  trees: Tree[];
}

export interface ForestParams {
  trees: number;
  maxDepth: number;
  minLeaf: number;
  // Features tried at each split (0 = the square root of the feature count).
  featuresPerSplit: number;
  bins: number;
}

// Training rows: `rows` feature vectors of `features` values (row-major) and their classes.
export interface ForestRows {
  rows: number;
  features: number;
  inputs: Float32Array;
  targets: Uint8Array;
}

// Grows a forest on the rows.
export function trainForest(
  data: ForestRows,
  classes: number,
  params: ForestParams,
  rng: Rng,
): Forest {
  const edges = binEdges(data, params.bins);
  const binned = binRows(data, edges);
  const trees: Tree[] = [];
  for (let t = 0; t < params.trees; t++)
    trees.push(growTree(data, binned, edges, classes, params, rng));
  return { classes, trees };
}

// Per feature, the bin upper edges: quantiles of the feature over (at most 20000 of) the rows.
function binEdges(data: ForestRows, bins: number): Float32Array[] {
  const { rows, features, inputs } = data;
  const step = Math.max(1, Math.floor(rows / 20000));
  const edges: Float32Array[] = [];
  for (let f = 0; f < features; f++) {
    const values: number[] = [];
    for (let r = 0; r < rows; r += step) values.push(inputs[r * features + f]!);
    values.sort((a, b) => a - b);
    const e = new Float32Array(bins - 1);
    for (let b = 1; b < bins; b++) e[b - 1] = values[Math.floor((b * values.length) / bins)]!;
    edges.push(e);
  }
  return edges;
}

function binRows(data: ForestRows, edges: Float32Array[]): Uint8Array {
  const { rows, features, inputs } = data;
  const out = new Uint8Array(rows * features);
  for (let f = 0; f < features; f++) {
    const e = edges[f]!;
    for (let r = 0; r < rows; r++) {
      const x = inputs[r * features + f]!;
      let lo = 0;
      let hi = e.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (x <= e[mid]!) hi = mid;
        else lo = mid + 1;
      }
      out[r * features + f] = lo;
    }
  }
  return out;
}

function growTree(
  data: ForestRows,
  binned: Uint8Array,
  edges: Float32Array[],
  classes: number,
  params: ForestParams,
  rng: Rng,
): Tree {
  const { rows, features, targets } = data;
  const index = new Int32Array(rows);
  for (let i = 0; i < rows; i++) index[i] = rng.int(rows);
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const leaf: number[] = [];
  const probs: number[] = [];
  const tries = params.featuresPerSplit || Math.max(1, Math.round(Math.sqrt(features)));
  const bins = params.bins;
  const hist = new Float64Array(bins * classes);
  const total = new Float64Array(classes);
  const leftCounts = new Float64Array(classes);
  const order = Int32Array.from({ length: features }, (_, f) => f);
  // Each stack entry: node id, start, end, depth.
  const stack: [number, number, number, number][] = [];
  const newNode = () => {
    feature.push(0);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    leaf.push(-1);
    return feature.length - 1;
  };
  stack.push([newNode(), 0, rows, 0]);
  while (stack.length > 0) {
    const [node, start, end, depth] = stack.pop()!;
    total.fill(0);
    for (let i = start; i < end; i++) total[targets[index[i]!]!]!++;
    const n = end - start;
    const pure = total.some((c) => c === n);
    let best = { gain: 0, feature: -1, bin: -1 };
    if (!pure && depth < params.maxDepth && n >= 2 * params.minLeaf) {
      const parent = gini(total, n);
      for (let k = 0; k < tries; k++) {
        const j = k + rng.int(features - k);
        [order[k], order[j]] = [order[j]!, order[k]!];
        const f = order[k]!;
        hist.fill(0);
        for (let i = start; i < end; i++) {
          const r = index[i]!;
          hist[binned[r * features + f]! * classes + targets[r]!]!++;
        }
        leftCounts.fill(0);
        let nLeft = 0;
        for (let b = 0; b < bins - 1; b++) {
          for (let c = 0; c < classes; c++) {
            const h = hist[b * classes + c]!;
            leftCounts[c]! += h;
            nLeft += h;
          }
          const nRight = n - nLeft;
          if (nLeft < params.minLeaf || nRight < params.minLeaf) continue;
          const gain =
            parent -
            (nLeft * gini(leftCounts, nLeft) + nRight * giniRest(total, leftCounts, nRight)) / n;
          if (gain > best.gain) best = { gain, feature: f, bin: b };
        }
      }
    }
    if (best.feature < 0) {
      leaf[node] = probs.length / classes;
      for (let c = 0; c < classes; c++) probs.push(total[c]! / n);
      continue;
    }
    // Partition rows: bin <= best.bin to the left.
    let i = start;
    let j = end - 1;
    while (i <= j) {
      if (binned[index[i]! * features + best.feature]! <= best.bin) i++;
      else {
        [index[i], index[j]] = [index[j]!, index[i]!];
        j--;
      }
    }
    feature[node] = best.feature;
    threshold[node] = edges[best.feature]![best.bin]!;
    const l = newNode();
    const r = newNode();
    left[node] = l;
    right[node] = r;
    stack.push([l, start, i, depth + 1], [r, i, end, depth + 1]);
  }
  return {
    feature: Uint8Array.from(feature),
    threshold: Float32Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    leaf: Int32Array.from(leaf),
    probs: Float32Array.from(probs),
  };
}

function gini(counts: Float64Array, n: number): number {
  let s = 0;
  for (let c = 0; c < counts.length; c++) s += counts[c]! * counts[c]!;
  return 1 - s / (n * n);
}

function giniRest(total: Float64Array, leftCounts: Float64Array, n: number): number {
  let s = 0;
  for (let c = 0; c < total.length; c++) {
    const x = total[c]! - leftCounts[c]!;
    s += x * x;
  }
  return 1 - s / (n * n);
}

// Class probabilities of `n` rows (row-major, raw feature values): the mean of the trees'
// leaf distributions, over every tree or over those `use` marks.
export function predictForest(
  forest: Forest,
  inputs: Float32Array,
  features: number,
  n: number,
  out: Float32Array,
  use?: boolean[],
): void {
  const rowLeaves = new Int32Array(n);
  sumLeaves(forest, n, out, use, (t) => {
    treeLeaves(forest.trees[t]!, inputs, features, n, rowLeaves, 0);
    return [rowLeaves, 0];
  });
}

// The leaf each row reaches in each tree (tree-major: leaves[t * n + r], the offset of the
// leaf's distribution in the tree's probs): one traversal shared by the plain prediction and
// every Monte-Carlo sample, which then only average (averageLeaves).
export function forestLeaves(
  forest: Forest,
  inputs: Float32Array,
  features: number,
  n: number,
): Int32Array {
  const leaves = new Int32Array(forest.trees.length * n);
  forest.trees.forEach((tree, t) => treeLeaves(tree, inputs, features, n, leaves, t * n));
  return leaves;
}

// What predictForest gives (the same sums in the same order, so the same numbers), from the
// leaves forestLeaves found.
export function averageLeaves(
  forest: Forest,
  leaves: Int32Array,
  n: number,
  out: Float32Array,
  use?: boolean[],
): void {
  sumLeaves(forest, n, out, use, (t) => [leaves, t * n]);
}

// The leaf each of the n rows reaches in one tree, written to out[at ...].
function treeLeaves(
  tree: Tree,
  inputs: Float32Array,
  features: number,
  n: number,
  out: Int32Array,
  at: number,
): void {
  const nodes = packedNodes(tree);
  for (let r = 0; r < n; r++) out[at + r] = leafOffset(nodes, inputs, r * features);
}

// Where the row at inputs[o ...] ends in a tree: the offset of its leaf's distribution in the
// tree's probs.
export function leafOffset(nodes: PackedNodes, inputs: Float32Array, o: number): number {
  const { links, thresholds } = nodes;
  let node = 0;
  let child = links[1]!;
  // The right child is left + 1; a value that is not <= the threshold (NaN too) goes right.
  while (child >= 0) {
    node = child + (inputs[o + links[2 * node]!]! <= thresholds[node]! ? 0 : 1);
    child = links[2 * node + 1]!;
  }
  return -1 - child;
}

// The mean over the used trees of each row's leaf distribution; `leavesOf(t)` gives the array
// holding tree t's leaves and where they start.
function sumLeaves(
  forest: Forest,
  n: number,
  out: Float32Array,
  use: boolean[] | undefined,
  leavesOf: (t: number) => [Int32Array, number],
): void {
  const { classes, trees } = forest;
  out.fill(0, 0, n * classes);
  let used = 0;
  for (let t = 0; t < trees.length; t++) {
    if (use && !use[t]) continue;
    used++;
    const probs = trees[t]!.probs;
    const [leaves, at] = leavesOf(t);
    for (let r = 0; r < n; r++) {
      const p = leaves[at + r]!;
      const q = r * classes;
      for (let c = 0; c < classes; c++) out[q + c] = out[q + c]! + probs[p + c]!;
    }
  }
  for (let i = 0; i < n * classes; i++) out[i] = out[i]! / Math.max(1, used);
}

// A tree's nodes for prediction: per node its feature and its left child's index, or for a
// leaf -1 - the offset of its distribution in `probs`, interleaved (fewer memory lines per node
// visited than five arrays); the thresholds as they are. Made once per tree.
export interface PackedNodes {
  links: Int32Array;
  thresholds: Float32Array;
}
const packed = new WeakMap<Tree, PackedNodes>();
export function packedNodes(tree: Tree): PackedNodes {
  const known = packed.get(tree);
  if (known) return known;
  const { feature, threshold, left, right, leaf } = tree;
  const classes =
    tree.probs.length /
    Math.max(
      1,
      leaf.reduce((m, l) => Math.max(m, l + 1), 0),
    );
  const links = new Int32Array(2 * feature.length);
  for (let i = 0; i < feature.length; i++) {
    if (left[i]! >= 0 && right[i] !== left[i]! + 1)
      throw new Error(`bug: node ${i}'s right child is not its left child + 1`);
    links[2 * i] = feature[i]!;
    links[2 * i + 1] = left[i]! >= 0 ? left[i]! : -1 - leaf[i]! * classes;
  }
  const nodes = { links, thresholds: threshold };
  packed.set(tree, nodes);
  return nodes;
}
