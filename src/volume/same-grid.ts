import { UserError } from '../errors.js';
import type { Affine } from './types.js';

// What two volumes must share to be on the same grid.
export interface GridLike {
  dims: readonly number[];
  affine: Affine;
}

// How two grids differ, or undefined when their spatial dims match and no affine entry differs
// by more than tolerance (mm).
export function gridDifference(a: GridLike, b: GridLike, tolerance = 1e-3): string | undefined {
  const da = a.dims.slice(0, 3).join(' x ');
  const db = b.dims.slice(0, 3).join(' x ');
  if (da !== db) return `dims ${da} vs ${db}`;
  let worst = 0;
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++)
      worst = Math.max(worst, Math.abs(a.affine[r]![c]! - b.affine[r]![c]!));
  }
  if (!(worst <= tolerance))
    return `affines differ by up to ${worst.toPrecision(3)} (tolerance ${tolerance})`;
  return undefined;
}

// Whether two volumes share a voxel grid (spatial dims equal, affines within tolerance).
export function gridsMatch(a: GridLike, b: GridLike, tolerance = 1e-3): boolean {
  return gridDifference(a, b, tolerance) === undefined;
}

// Throws a UserError naming both files when they are not on the same grid.
export function assertSameGrid(
  a: GridLike,
  b: GridLike,
  names: [string, string],
  tolerance = 1e-3,
): void {
  const diff = gridDifference(a, b, tolerance);
  if (diff === undefined) return;
  throw new UserError(`${names[0]} and ${names[1]} are not on the same voxel grid: ${diff}`, {
    hint: `resample ${names[1]} onto the grid of ${names[0]} (e.g. nibabel.processing.resample_from_to), or check that they belong to the same case`,
  });
}
