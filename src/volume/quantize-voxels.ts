import { DATATYPES } from './datatypes.js';
import type { DataTypeName, VoxelArray } from './types.js';

const RANGES: Partial<Record<DataTypeName, [number, number]>> = {
  uint8: [0, 255],
  int8: [-128, 127],
  uint16: [0, 65535],
  int16: [-32768, 32767],
  uint32: [0, 4294967295],
  int32: [-2147483648, 2147483647],
};

// The values to store so that stored * slope + inter gives back data: the array itself when
// it already has the datatype and the scaling is the identity (bit-exact), else a new array
// of round((value - inter) / slope), clamped to the datatype's range (NaN stored as 0).
export function quantizeVoxels(
  data: VoxelArray,
  datatype: DataTypeName,
  slope: number,
  inter: number,
): VoxelArray {
  const dt = DATATYPES[datatype];
  const same = dt.create(0).constructor === data.constructor;
  if (same && slope === 1 && inter === 0) return data;
  const out = dt.create(data.length);
  // NIfTI-1 stores scl_slope and scl_inter as float32: quantize against the stored values.
  const s = Math.fround(slope);
  const c = Math.fround(inter);
  const range = RANGES[datatype];
  if (!range) {
    for (let i = 0; i < data.length; i++) out[i] = (data[i]! - c) / s;
    return out;
  }
  const [lo, hi] = range;
  for (let i = 0; i < data.length; i++) {
    const q = Math.round((data[i]! - c) / s);
    out[i] = q < lo ? lo : q > hi ? hi : Number.isNaN(q) ? 0 : q;
  }
  return out;
}
