import type { VoxelArray } from './types.js';

// How many voxels are NaN or infinite (only float data can hold them; 0 for integer data).
export function countNonFinite(data: VoxelArray): number {
  if (!(data instanceof Float32Array) && !(data instanceof Float64Array)) return 0;
  let count = 0;
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i] as number)) count++;
  return count;
}
