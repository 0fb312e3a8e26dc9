import { DATATYPES, type DataTypeInfo } from './datatypes.js';
import { checkVoxelBytes, maxVoxelBytes } from './memory-limit.js';
import type { NiftiHeader } from './nifti-header.js';
import { type FileBuffer, openNifti } from './open-nifti.js';
import { expectEnd, readExactly } from './read-voxel-bytes.js';
import { applyScaling, bytesToHold, swapBytesInPlace } from './scale-voxels.js';
import type { Volume, VoxelArray } from './types.js';

export type { NiftiHeader } from './nifti-header.js';
export { forEachSlab, type Slab, type SlabOptions } from './for-each-slab.js';

// Options for reading voxels: the most bytes one read may allocate (default 4 GiB, or
// SENTINEL_MAX_VOXEL_BYTES), checked against the header before anything is allocated; memory
// to read the stored voxels into; and the file size up to which a file is read whole rather
// than streamed in chunks (default WHOLE_FILE_BYTES, 4 MiB; 0 streams every file).
export interface ReadNiftiOptions {
  maxBytes?: number;
  reuse?: VoxelBuffer;
  wholeFileBytes?: number;
}

// Memory shared by reads of volumes used one after the other: each read puts its stored voxels
// there (growing it when too small), so the volume returned views it until the next read
// through the same VoxelBuffer overwrites it. Saves allocating and collecting an array per read.
// Its `bytes` (FileBuffer) hold the file itself when it is read whole (a small .nii.gz).
export interface VoxelBuffer extends FileBuffer {
  buffer?: ArrayBuffer;
}

// Reads a NIfTI-1/2 .nii or .nii.gz header: dims, datatype, spacing, affine, scaling.
export async function readNiftiHeader(path: string): Promise<NiftiHeader> {
  const { header, reader } = await openNifti(path);
  reader.close();
  return header;
}

// Reads a whole NIfTI-1/2 .nii or .nii.gz volume, scaled, in the file's voxel order.
export async function readNifti(path: string, options: ReadNiftiOptions = {}): Promise<Volume> {
  const limit = maxVoxelBytes(options.maxBytes);
  const { header, reader } = await openNifti(path, options.wholeFileBytes, options.reuse);
  try {
    const dt = DATATYPES[header.datatype];
    const voxels = header.dims.reduce((a, b) => a * b, 1);
    checkVoxelBytes(
      path,
      header.dims,
      bytesToHold(voxels, dt.bytes, header.datatype, header.sclSlope, header.sclInter),
      limit,
    );
    const stored = options.reuse ? reusedArray(options.reuse, dt, voxels) : dt.create(voxels);
    const bytes = new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength);
    await readExactly(header, reader, bytes);
    await expectEnd(header, reader);
    if (!header.littleEndian) swapBytesInPlace(bytes, dt.bytes);
    return {
      dims: header.dims,
      datatype: header.datatype,
      data: applyScaling(stored, header.datatype, header.sclSlope, header.sclInter),
      spacing: header.spacing,
      affine: header.affine,
      sclSlope: header.sclSlope,
      sclInter: header.sclInter,
    };
  } finally {
    reader.close();
  }
}

// The first `voxels` voxels of a reused buffer, grown to hold them when too small.
function reusedArray(reuse: VoxelBuffer, dt: DataTypeInfo, voxels: number): VoxelArray {
  const bytes = voxels * dt.bytes;
  if (reuse.buffer === undefined || reuse.buffer.byteLength < bytes)
    reuse.buffer = new ArrayBuffer(bytes);
  return dt.view(reuse.buffer, 0, voxels);
}
