// One pass over a pair of label maps: per label, the voxel counts in each map, their overlap and
// (when dims are given) the bounding box of the label in either map.

import type { Dims3 } from './distance-transform.js';

export interface LabelOverlap {
  predVoxels: number;
  truthVoxels: number;
  // Voxels labelled `label` in both maps.
  overlap: number;
}

// Inclusive voxel bounds [x0, y0, z0] .. [x1, y1, z1].
export interface VoxelBox {
  min: [number, number, number];
  max: [number, number, number];
}

export interface LabelPairScan extends LabelOverlap {
  // The box around the label's voxels in pred or truth; null when it is in neither.
  box: VoxelBox | null;
}

// Maps a voxel value to its label's slot (-1 when the value is not one of `labels`).
function makeSlotTable(labels: readonly number[]): Int32Array {
  let max = 0;
  for (const label of labels) {
    if (!Number.isInteger(label) || label < 0 || label > 0xffffff) {
      throw new RangeError(`labels must be integers in [0, 2^24), got ${label}`);
    }
    max = Math.max(max, label);
  }
  const table = new Int32Array(max + 1).fill(-1);
  labels.forEach((label, slot) => {
    table[label] = slot;
  });
  return table;
}

function checkSameLength(pred: ArrayLike<number>, truth: ArrayLike<number>): void {
  if (pred.length !== truth.length) {
    throw new RangeError(`label maps differ in size: ${pred.length} vs ${truth.length} voxels`);
  }
}

// Per label: voxels in pred, in truth, and in both. Values not in `labels` are ignored.
export function countLabelOverlap(
  pred: ArrayLike<number>,
  truth: ArrayLike<number>,
  labels: readonly number[],
): Map<number, LabelOverlap> {
  checkSameLength(pred, truth);
  const table = makeSlotTable(labels);
  const n = labels.length;
  const predCount = new Float64Array(n);
  const truthCount = new Float64Array(n);
  const both = new Float64Array(n);
  const skipZero = (table[0] ?? -1) < 0;
  for (let i = 0; i < pred.length; i++) {
    const vp = pred[i]!;
    const vt = truth[i]!;
    if (skipZero && vp === 0 && vt === 0) continue;
    const sp = table[vp] ?? -1;
    const st = table[vt] ?? -1;
    if (sp >= 0) predCount[sp]!++;
    if (st >= 0) truthCount[st]!++;
    if (sp >= 0 && sp === st) both[sp]!++;
  }
  const result = new Map<number, LabelOverlap>();
  labels.forEach((label, s) => {
    result.set(label, {
      predVoxels: predCount[s]!,
      truthVoxels: truthCount[s]!,
      overlap: both[s]!,
    });
  });
  return result;
}

// Per label: counts as countLabelOverlap plus the bounding box of pred OR truth.
export function scanLabelPair(
  pred: ArrayLike<number>,
  truth: ArrayLike<number>,
  dims: Dims3,
  labels: readonly number[],
): Map<number, LabelPairScan> {
  checkSameLength(pred, truth);
  const [nx, ny, nz] = dims;
  if (pred.length !== nx * ny * nz) {
    throw new RangeError(`label maps have ${pred.length} voxels, dims ${dims.join('x')}`);
  }
  const table = makeSlotTable(labels);
  const n = labels.length;
  const predCount = new Float64Array(n);
  const truthCount = new Float64Array(n);
  const both = new Float64Array(n);
  // lo/hi per slot and axis: [x, y, z] at slot * 3.
  const lo = new Int32Array(3 * n).fill(0x7fffffff);
  const hi = new Int32Array(3 * n).fill(-1);
  const grow = (s: number, x: number, y: number, z: number): void => {
    const b = 3 * s;
    if (x < lo[b]!) lo[b] = x;
    if (x > hi[b]!) hi[b] = x;
    if (y < lo[b + 1]!) lo[b + 1] = y;
    if (y > hi[b + 1]!) hi[b + 1] = y;
    if (z < lo[b + 2]!) lo[b + 2] = z;
    if (z > hi[b + 2]!) hi[b + 2] = z;
  };
  const skipZero = (table[0] ?? -1) < 0;
  let i = 0;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++, i++) {
        const vp = pred[i]!;
        const vt = truth[i]!;
        // Background in both: the common case, decided without the table.
        if (skipZero && vp === 0 && vt === 0) continue;
        const sp = table[vp] ?? -1;
        const st = table[vt] ?? -1;
        if (sp < 0 && st < 0) continue;
        if (sp >= 0) predCount[sp]!++;
        if (st >= 0) truthCount[st]!++;
        if (sp >= 0 && sp === st) both[sp]!++;
        if (sp >= 0) grow(sp, x, y, z);
        if (st >= 0 && st !== sp) grow(st, x, y, z);
      }
    }
  }
  const result = new Map<number, LabelPairScan>();
  labels.forEach((label, s) => {
    const b = 3 * s;
    const box: VoxelBox | null =
      hi[b]! < 0
        ? null
        : { min: [lo[b]!, lo[b + 1]!, lo[b + 2]!], max: [hi[b]!, hi[b + 1]!, hi[b + 2]!] };
    result.set(label, {
      predVoxels: predCount[s]!,
      truthVoxels: truthCount[s]!,
      overlap: both[s]!,
      box,
    });
  });
  return result;
}
