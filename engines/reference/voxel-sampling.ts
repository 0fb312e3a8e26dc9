import { type FeatureColumns, gatherRows } from './features.js';
import type { Rng } from './prng.js';

// Class-balanced voxel sampling for training: from each case a fixed budget of voxels, half
// spread evenly over the classes present in its label map (so small organs are seen often),
// half drawn uniformly (so the network also sees the voxels' natural mix).

// The training rows gathered from all cases, plus class counts for the prior correction.
export interface SampleSet {
  features: number;
  classes: number;
  rows: number;
  inputs: Float32Array;
  targets: Uint8Array;
  // Voxels per class over all labels read, and rows per class among the samples.
  dataCounts: Float64Array;
  sampleCounts: Float64Array;
}

// An empty sample set with room for `capacity` rows.
export function createSampleSet(features: number, classes: number, capacity: number): SampleSet {
  return {
    features,
    classes,
    rows: 0,
    inputs: new Float32Array(capacity * features),
    targets: new Uint8Array(capacity),
    dataCounts: new Float64Array(classes),
    sampleCounts: new Float64Array(classes),
  };
}

// Draws `budget` voxels of one case into the set; `classOf` holds each voxel's class index.
export function sampleCase(
  set: SampleSet,
  features: FeatureColumns,
  classOf: Uint8Array,
  budget: number,
  rng: Rng,
): void {
  const byClass: number[][] = Array.from({ length: set.classes }, () => []);
  for (let v = 0; v < classOf.length; v++) byClass[classOf[v]!]!.push(v);
  byClass.forEach((voxels, c) => {
    set.dataCounts[c]! += voxels.length;
  });
  const present = byClass.filter((voxels) => voxels.length > 0);
  const perClass = Math.floor(Math.floor(budget / 2) / present.length);
  const chosen = new Int32Array(budget);
  let n = 0;
  for (const voxels of present) {
    for (let i = 0; i < perClass; i++) chosen[n++] = voxels[rng.int(voxels.length)]!;
  }
  while (n < budget) chosen[n++] = rng.int(classOf.length);
  gatherRows(features, chosen, set.inputs, set.rows);
  for (const voxel of chosen) {
    const c = classOf[voxel]!;
    set.targets[set.rows++] = c;
    set.sampleCounts[c]! += 1;
  }
}

// Per-feature mean and standard deviation over the set's rows.
export function featureStatistics(set: SampleSet): { mean: number[]; std: number[] } {
  const f = set.features;
  const mean = new Array<number>(f).fill(0);
  const sq = new Array<number>(f).fill(0);
  for (let r = 0; r < set.rows; r++) {
    for (let j = 0; j < f; j++) {
      const x = set.inputs[r * f + j]!;
      mean[j]! += x;
      sq[j]! += x * x;
    }
  }
  const std = mean.map((sum, j) => {
    const m = sum / set.rows;
    return Math.sqrt(Math.max(sq[j]! / set.rows - m * m, 0)) || 1;
  });
  return { mean: mean.map((sum) => sum / set.rows), std };
}

// Standardises feature columns in place: (x - mean) / std.
export function normalizeRows(
  data: Float32Array,
  rows: number,
  normalization: { mean: number[]; std: number[] },
): void {
  const f = normalization.mean.length;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < f; j++) {
      data[r * f + j] = (data[r * f + j]! - normalization.mean[j]!) / normalization.std[j]!;
    }
  }
}
