// Dice and NSD per label of a predicted label map against a reference label map: the numbers
// an evaluate job records per organ. One pass over the grid finds each label's counts and
// bounding box; the NSD then works on the box around that label only (see nsd.ts).

import { diceFromCounts } from './dice.js';
import type { Dims3, Spacing3 } from './distance-transform.js';
import { scanLabelPair } from './label-overlap.js';
import { type SurfaceDiceCounts, cropMask, nsdFromCounts, surfaceDiceCounts } from './nsd.js';

export interface LabelMetrics {
  // Dice (dice.ts conventions): NaN when the label is in neither map, 0 when in only one.
  dsc: number;
  // NSD at the tolerance (nsd.ts conventions): NaN when in neither map, 0 when in only one.
  nsd: number;
  predVoxels: number;
  truthVoxels: number;
  surface: SurfaceDiceCounts;
}

export interface LabelMetricsOptions {
  // NSD tolerance in mm; 1 by default.
  tolerance?: number;
}

// Dice and NSD of each label in `labels`; `dims` is [nx, ny, nz] (x fastest), `spacing` in mm.
export function metricsPerLabel(
  pred: ArrayLike<number>,
  truth: ArrayLike<number>,
  dims: Dims3,
  spacing: Spacing3,
  labels: number[],
  options: LabelMetricsOptions = {},
): Map<number, LabelMetrics> {
  const tolerance = options.tolerance ?? 1;
  if (!(tolerance >= 0)) throw new RangeError(`tolerance must be >= 0 mm, got ${tolerance}`);
  const result = new Map<number, LabelMetrics>();
  for (const [label, scan] of scanLabelPair(pred, truth, dims, labels)) {
    let surface: SurfaceDiceCounts = {
      borderA: 0,
      borderB: 0,
      aWithinTolerance: 0,
      bWithinTolerance: 0,
    };
    if (scan.box !== null) {
      const isLabel = (v: number): boolean => v === label;
      const a = cropMask(pred, dims, scan.box, isLabel);
      const b = cropMask(truth, dims, scan.box, isLabel);
      surface = surfaceDiceCounts(a.mask, b.mask, a.dims, spacing, tolerance);
    }
    result.set(label, {
      dsc: diceFromCounts(scan.predVoxels, scan.truthVoxels, scan.overlap),
      nsd: nsdFromCounts(surface),
      predVoxels: scan.predVoxels,
      truthVoxels: scan.truthVoxels,
      surface,
    });
  }
  return result;
}
