// The border voxels of a binary mask: mask XOR erosion(mask) with the 6-neighbour cross, voxels
// outside the grid counted as background. This is scipy.ndimage.binary_erosion's default
// (structure = generate_binary_structure(3, 1), border_value = 0), which MONAI's get_mask_edges
// uses for compute_surface_dice; a mask voxel on the grid's face is therefore a border voxel.

import type { Dims3 } from './distance-transform.js';

export interface MaskBorder {
  // 1 where the voxel is a border voxel, else 0.
  border: Uint8Array;
  count: number;
}

// Marks the voxels of `mask` (non-zero = inside) that have a face neighbour outside the mask.
export function extractMaskBorder(mask: Uint8Array, dims: Dims3): MaskBorder {
  const [nx, ny, nz] = dims;
  const sliceSize = nx * ny;
  const border = new Uint8Array(mask.length);
  let count = 0;
  for (let z = 0; z < nz; z++) {
    const zEdge = z === 0 || z === nz - 1;
    for (let y = 0; y < ny; y++) {
      const yEdge = y === 0 || y === ny - 1;
      const row = z * sliceSize + y * nx;
      for (let x = 0; x < nx; x++) {
        const i = row + x;
        if (mask[i] === 0) continue;
        const onBorder =
          zEdge ||
          yEdge ||
          x === 0 ||
          x === nx - 1 ||
          mask[i - 1] === 0 ||
          mask[i + 1] === 0 ||
          mask[i - nx] === 0 ||
          mask[i + nx] === 0 ||
          mask[i - sliceSize] === 0 ||
          mask[i + sliceSize] === 0;
        if (onBorder) {
          border[i] = 1;
          count++;
        }
      }
    }
  }
  return { border, count };
}
