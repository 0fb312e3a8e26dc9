// Dice similarity coefficient, per label of a label map pair or for one binary mask pair.
//
// Conventions (those of DeepMind's surface-distance compute_dice_coefficient; MONAI's
// DiceMetric with ignore_empty=False agrees except that it reports 1 when both are empty):
// - label in both maps: 2|A n B| / (|A| + |B|);
// - label in exactly one map: 0;
// - label in neither map: NaN, so a caller can tell "absent in both" (Number.isNaN) from a
//   real score and leave it out of means.

import { countLabelOverlap } from './label-overlap.js';

// Dice from the two voxel counts and their overlap; NaN when both counts are 0.
export function diceFromCounts(predVoxels: number, truthVoxels: number, overlap: number): number {
  const total = predVoxels + truthVoxels;
  return total === 0 ? Number.NaN : (2 * overlap) / total;
}

// Dice of every label in `labels` between two label maps of the same grid (one pass).
export function dicePerLabel(
  pred: ArrayLike<number>,
  truth: ArrayLike<number>,
  labels: number[],
): Map<number, number> {
  const result = new Map<number, number>();
  for (const [label, c] of countLabelOverlap(pred, truth, labels)) {
    result.set(label, diceFromCounts(c.predVoxels, c.truthVoxels, c.overlap));
  }
  return result;
}

// Dice of two binary masks (non-zero = foreground) of the same grid.
export function diceBinary(pred: ArrayLike<number>, truth: ArrayLike<number>): number {
  if (pred.length !== truth.length) {
    throw new RangeError(`masks differ in size: ${pred.length} vs ${truth.length} voxels`);
  }
  let a = 0;
  let b = 0;
  let both = 0;
  for (let i = 0; i < pred.length; i++) {
    const p = pred[i] !== 0;
    const t = truth[i] !== 0;
    if (p) a++;
    if (t) b++;
    if (p && t) both++;
  }
  return diceFromCounts(a, b, both);
}
