// Normalized surface distance (NSD, "surface Dice" at a tolerance tau in mm).
//
// Definition: MONAI's compute_surface_dice with use_subvoxels=False (Nikolov et al. 2021,
// border-voxel form). With dA, dB the border voxels of masks A and B (see mask-border.ts) and
// d(v, S) the Euclidean distance in mm from voxel centre v to the nearest voxel centre of S,
//   NSD = (|{a in dA : d(a, dB) <= tau}| + |{b in dB : d(b, dA) <= tau}|) / (|dA| + |dB|).
// Distances come from an exact distance transform of the other mask's border, with spacing.
// Empty masks, as MONAI and DeepMind's surface-distance: both empty -> NaN; one empty -> 0.
//
// The work is done on the bounding box of A OR B: every border voxel of either mask lies in it,
// so distances between them, and the borders themselves (outside the box is background for
// both), are the same as on the full grid.

import { type Dims3, type Spacing3, squaredDistanceTransform } from './distance-transform.js';
import type { VoxelBox } from './label-overlap.js';
import { extractMaskBorder } from './mask-border.js';

// What the NSD is made of, so callers can report or pool it.
export interface SurfaceDiceCounts {
  borderA: number;
  borderB: number;
  // Border voxels of A within tau of B's border, and the reverse.
  aWithinTolerance: number;
  bWithinTolerance: number;
}

// NSD from its counts: NaN when both borders are empty.
export function nsdFromCounts(c: SurfaceDiceCounts): number {
  const total = c.borderA + c.borderB;
  return total === 0 ? Number.NaN : (c.aWithinTolerance + c.bWithinTolerance) / total;
}

// Border voxels of `from` whose distance to the nearest border voxel of `to` is <= tolerance.
function countWithinTolerance(
  from: Uint8Array,
  to: Uint8Array,
  dims: Dims3,
  spacing: Spacing3,
  tolerance: number,
): number {
  const squared = squaredDistanceTransform(to, dims, spacing);
  let count = 0;
  for (let i = 0; i < from.length; i++) {
    if (from[i] !== 0 && Math.sqrt(squared[i]!) <= tolerance) count++;
  }
  return count;
}

// The NSD counts of two binary masks (0/1 bytes) on the same grid.
export function surfaceDiceCounts(
  maskA: Uint8Array,
  maskB: Uint8Array,
  dims: Dims3,
  spacing: Spacing3,
  tolerance: number,
): SurfaceDiceCounts {
  if (!(tolerance >= 0)) throw new RangeError(`tolerance must be >= 0 mm, got ${tolerance}`);
  if (!spacing.every((s) => s > 0)) throw new RangeError(`spacing must be > 0, got ${spacing}`);
  const a = extractMaskBorder(maskA, dims);
  const b = extractMaskBorder(maskB, dims);
  if (a.count === 0 || b.count === 0) {
    return { borderA: a.count, borderB: b.count, aWithinTolerance: 0, bWithinTolerance: 0 };
  }
  return {
    borderA: a.count,
    borderB: b.count,
    aWithinTolerance: countWithinTolerance(a.border, b.border, dims, spacing, tolerance),
    bWithinTolerance: countWithinTolerance(b.border, a.border, dims, spacing, tolerance),
  };
}

// Copies the voxels of `box` where `select(value)` holds into a 0/1 mask of the box's size.
export function cropMask(
  values: ArrayLike<number>,
  dims: Dims3,
  box: VoxelBox,
  select: (value: number) => boolean,
): { mask: Uint8Array; dims: Dims3 } {
  const [nx, ny] = dims;
  const cx = box.max[0] - box.min[0] + 1;
  const cy = box.max[1] - box.min[1] + 1;
  const cz = box.max[2] - box.min[2] + 1;
  const mask = new Uint8Array(cx * cy * cz);
  let o = 0;
  for (let z = box.min[2]; z <= box.max[2]; z++) {
    for (let y = box.min[1]; y <= box.max[1]; y++) {
      const row = (z * ny + y) * nx;
      for (let x = box.min[0]; x <= box.max[0]; x++, o++) {
        if (select(values[row + x]!)) mask[o] = 1;
      }
    }
  }
  return { mask, dims: [cx, cy, cz] };
}

// The box around the non-zero voxels of either mask; null when both are empty.
function unionBox(a: ArrayLike<number>, b: ArrayLike<number>, dims: Dims3): VoxelBox | null {
  const [nx, ny, nz] = dims;
  const min: [number, number, number] = [nx, ny, nz];
  const max: [number, number, number] = [-1, -1, -1];
  let i = 0;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++, i++) {
        if (a[i] === 0 && b[i] === 0) continue;
        if (x < min[0]) min[0] = x;
        if (x > max[0]) max[0] = x;
        if (y < min[1]) min[1] = y;
        if (y > max[1]) max[1] = y;
        if (z < min[2]) min[2] = z;
        if (z > max[2]) max[2] = z;
      }
    }
  }
  return max[0] < 0 ? null : { min, max };
}

// NSD of two binary masks (non-zero = foreground) on a grid of `dims` ([nx, ny, nz], x fastest)
// with voxel `spacing` in mm, at `tolerance` mm (default 1).
export function surfaceDiceBinary(
  maskA: ArrayLike<number>,
  maskB: ArrayLike<number>,
  dims: Dims3,
  spacing: Spacing3,
  tolerance = 1,
): number {
  if (maskA.length !== maskB.length || maskA.length !== dims[0] * dims[1] * dims[2]) {
    throw new RangeError(`masks of ${maskA.length} and ${maskB.length} voxels, dims ${dims}`);
  }
  const box = unionBox(maskA, maskB, dims);
  if (box === null) return Number.NaN;
  const isSet = (v: number): boolean => v !== 0;
  const a = cropMask(maskA, dims, box, isSet);
  const b = cropMask(maskB, dims, box, isSet);
  return nsdFromCounts(surfaceDiceCounts(a.mask, b.mask, a.dims, spacing, tolerance));
}
