import type { DataTypeName, VoxelArray } from './types.js';

// Puts little/big-endian voxel bytes into this machine's (little-endian) order, in place.
export function swapBytesInPlace(bytes: Uint8Array, bytesPerVoxel: number): void {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytesPerVoxel === 2) b.swap16();
  else if (bytesPerVoxel === 4) b.swap32();
  else if (bytesPerVoxel === 8) b.swap64();
}

// Whether scl_slope/scl_inter change the values.
export function isIdentityScaling(slope: number, inter: number): boolean {
  return slope === 1 && inter === 0;
}

// The voxel values with slope/inter applied: the same array for the identity, else a new
// Float32Array (Float64Array for float64 data) holding nibabel's float64 `stored * slope + inter`
// rounded once to the array's precision (written into `into` when given, of that length).
export function applyScaling(
  data: VoxelArray,
  datatype: DataTypeName,
  slope: number,
  inter: number,
  into?: VoxelArray,
): VoxelArray {
  if (isIdentityScaling(slope, inter)) return data;
  const out =
    into ??
    (datatype === 'float64' ? new Float64Array(data.length) : new Float32Array(data.length));
  for (let i = 0; i < data.length; i++) out[i] = data[i]! * slope + inter;
  return out;
}

// The number of bytes a volume of these dims occupies once read (stored plus scaled copy).
export function bytesToHold(
  voxels: number,
  bytesPerVoxel: number,
  datatype: DataTypeName,
  slope: number,
  inter: number,
): number {
  const scaled = isIdentityScaling(slope, inter) ? 0 : datatype === 'float64' ? 8 : 4;
  return voxels * (bytesPerVoxel + scaled);
}
