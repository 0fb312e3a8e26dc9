// The volume API in one import: NIfTI read/write, slab pass, label maps, grids, indexing.
export type { Affine, DataTypeName, Volume, VoxelArray } from './types.js';
export type { NiftiHeader } from './nifti-header.js';
export {
  readNifti,
  readNiftiHeader,
  type ReadNiftiOptions,
  type VoxelBuffer,
} from './read-nifti.js';
export { forEachSlab, type Slab, type SlabOptions } from './for-each-slab.js';
export { openSlabs } from './iterate-slabs.js';
export { readLabelMap } from './read-label-map.js';
export { countNonFinite } from './count-non-finite.js';
export { writeNifti, writeStoredNifti, type WriteNiftiOptions } from './write-nifti.js';
export { assertSameGrid, gridDifference, gridsMatch, type GridLike } from './same-grid.js';
export { orientationCode } from './orientation.js';
export { sliceLength, sliceOffset, voxelCount, voxelIndex } from './voxel-index.js';
export { DATATYPES, DATATYPE_NAMES } from './datatypes.js';
