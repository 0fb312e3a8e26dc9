// The in-memory form of a NIfTI volume, shared by every part that reads or writes voxels.

export type DataTypeName =
  | 'uint8'
  | 'int8'
  | 'uint16'
  | 'int16'
  | 'uint32'
  | 'int32'
  | 'float32'
  | 'float64';

export type VoxelArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array;

// A 4x4 row-major voxel-to-world matrix (RAS+ mm, as nibabel reports it).
export type Affine = [
  [number, number, number, number],
  [number, number, number, number],
  [number, number, number, number],
  [number, number, number, number],
];

export interface Volume<T extends VoxelArray = VoxelArray> {
  // [nx, ny, nz] or [nx, ny, nz, nt] (nt = time or class). x varies fastest in `data`.
  dims: number[];
  // The datatype stored in the file (before scaling).
  datatype: DataTypeName;
  // Voxel values in the file's order with scl_slope/scl_inter applied: the stored array when
  // the scaling is the identity, a Float32Array (Float64Array for float64 files) otherwise.
  data: T;
  // Voxel size in mm along x, y, z.
  spacing: [number, number, number];
  affine: Affine;
  // The file's scaling, kept for round trips (1 and 0 when unset).
  sclSlope: number;
  sclInter: number;
}
