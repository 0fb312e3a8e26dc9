// Index arithmetic for voxel arrays in NIfTI order (x fastest, then y, z, t).

// The array index of voxel (i, j, k[, t]) in a volume of these dims.
export function voxelIndex(
  dims: readonly number[],
  i: number,
  j: number,
  k: number,
  t = 0,
): number {
  const nx = dims[0] ?? 1;
  const ny = dims[1] ?? 1;
  const nz = dims[2] ?? 1;
  return i + nx * (j + ny * (k + nz * t));
}

// The array index where slice k (of volume t) starts.
export function sliceOffset(dims: readonly number[], k: number, t = 0): number {
  return voxelIndex(dims, 0, 0, k, t);
}

// The number of voxels in one z-slice.
export function sliceLength(dims: readonly number[]): number {
  return (dims[0] ?? 1) * (dims[1] ?? 1);
}

// The number of voxels in the whole array (all of t included).
export function voxelCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}
