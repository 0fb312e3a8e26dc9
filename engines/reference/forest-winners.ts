import { type Forest, leafOffset, packedNodes } from './forest.js';

// The winning class of each row for a prediction that needs only the mask: the argmax of the
// forest's mean vote after the prior reweighting, without finishing the vote of a row whose
// winner the remaining trees can no longer change. Most voxels (deep inside an organ or far
// from every organ) are decided after a third of the trees.
//
// A row's sums are accumulated tree by tree in float32, in the forest's order, exactly as
// predictForest accumulates them; a row still open after the last tree keeps its full sums for
// the caller to finish the usual way. A row is decided early only with a margin far above
// float32 rounding: every remaining tree adds at most 1 to each class's sum, sums never
// decrease, and the division by the tree count and the renormalisation scale every class alike.
export interface ForestWinners {
  // The winning class (0 = background) of each row, or -1 where the vote ran to the end.
  winner: Int32Array;
  // Each open row's class sums over every tree (row-major, like predictForest's output).
  sums: Float32Array;
}

// Trees voted between two checks of which rows are decided.
const CHECK_EVERY = 4;

export function forestWinners(
  forest: Forest,
  inputs: Float32Array,
  features: number,
  n: number,
  factors: number[],
): ForestWinners {
  const { classes, trees } = forest;
  const sums = new Float32Array(n * classes);
  const winner = new Int32Array(n).fill(-1);
  let open: Int32Array = Int32Array.from({ length: n }, (_, r) => r);
  // Hardly any row is decided before a third of the trees have voted: no checks until then.
  let t = 0;
  for (let check = Math.ceil(trees.length / 3); t < trees.length && open.length > 0; ) {
    for (; t < Math.min(check, trees.length); t++) {
      addTreeVotes(forest, t, inputs, features, open, sums);
    }
    if (t < trees.length) open = stillOpen(open, sums, classes, factors, trees.length - t, winner);
    check = t + CHECK_EVERY;
  }
  return { winner, sums };
}

// Adds tree t's leaf distribution to the sums of the open rows.
function addTreeVotes(
  forest: Forest,
  t: number,
  inputs: Float32Array,
  features: number,
  open: Int32Array,
  sums: Float32Array,
): void {
  const { classes } = forest;
  const tree = forest.trees[t]!;
  const nodes = packedNodes(tree);
  const probs = tree.probs;
  for (let i = 0; i < open.length; i++) {
    const r = open[i]!;
    const p = leafOffset(nodes, inputs, r * features);
    const q = r * classes;
    for (let c = 0; c < classes; c++) sums[q + c] = sums[q + c]! + probs[p + c]!;
  }
}

// The rows whose winner `remaining` more trees could still change; the others get their winner.
function stillOpen(
  open: Int32Array,
  sums: Float32Array,
  classes: number,
  factors: number[],
  remaining: number,
  winner: Int32Array,
): Int32Array {
  const kept = new Int32Array(open.length);
  let k = 0;
  for (let i = 0; i < open.length; i++) {
    const r = open[i]!;
    const best = decidedWinner(sums, r * classes, classes, factors, remaining);
    if (best >= 0) winner[r] = best;
    else kept[k++] = r;
  }
  return kept.subarray(0, k);
}

// The row's winner when no class can catch it up in `remaining` trees, else -1. The slack
// covers float32 rounding of up to a few thousand additions (far more than a forest has trees).
function decidedWinner(
  sums: Float32Array,
  q: number,
  classes: number,
  factors: number[],
  remaining: number,
): number {
  let best = 0;
  for (let c = 1; c < classes; c++) {
    if (sums[q + c]! * factors[c]! > sums[q + best]! * factors[best]!) best = c;
  }
  const lead = sums[q + best]! * factors[best]!;
  for (let c = 0; c < classes; c++) {
    if (c === best) continue;
    const reach = (sums[q + c]! + remaining + ROUNDING_SLACK) * factors[c]!;
    if (lead - reach <= ROUNDING_SLACK * Math.max(factors[best]!, factors[c]!)) return -1;
  }
  return best;
}
const ROUNDING_SLACK = 1e-3;
