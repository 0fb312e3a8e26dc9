import { DATATYPES } from './datatypes.js';
import { checkVoxelBytes, maxVoxelBytes } from './memory-limit.js';
import type { NiftiHeader } from './nifti-header.js';
import { openNifti } from './open-nifti.js';
import { expectEnd, readExactly } from './read-voxel-bytes.js';
import { applyScaling, swapBytesInPlace } from './scale-voxels.js';
import type { VoxelArray } from './types.js';

// One z-slab of a volume: slices k0..k0+depth-1 of volume t (0 for 3D), scaled, x fastest.
export interface Slab {
  k0: number;
  depth: number;
  t: number;
  data: VoxelArray;
}

// Slab depth in slices (default: about 16 MiB of stored voxels) and the file's byte limit.
export interface SlabOptions {
  depth?: number;
  maxBytes?: number;
}

const DEFAULT_SLAB_BYTES = 16 * 1024 * 1024;

// Streams a NIfTI file slab by slab so that a reduction never holds the whole volume;
// returns the header. Each slab gets its own array, which fn may keep.
export async function forEachSlab(
  path: string,
  fn: (slab: Slab) => void | Promise<void>,
  options: SlabOptions = {},
): Promise<NiftiHeader> {
  const limit = maxVoxelBytes(options.maxBytes);
  const { header, reader } = await openNifti(path);
  try {
    const dt = DATATYPES[header.datatype];
    const [nx = 1, ny = 1, nz = 1, nt = 1] = header.dims;
    const total = nx * ny * nz * nt * dt.bytes;
    checkVoxelBytes(path, header.dims, total, limit);
    const sliceBytes = nx * ny * dt.bytes;
    const depth = Math.max(1, Math.min(nz, options.depth ?? Math.floor(DEFAULT_SLAB_BYTES / sliceBytes)));
    for (let t = 0; t < nt; t++) {
      for (let k0 = 0; k0 < nz; k0 += depth) {
        const d = Math.min(depth, nz - k0);
        const stored = dt.create(nx * ny * d);
        const bytes = new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength);
        await readExactly(header, reader, bytes, total);
        if (!header.littleEndian) swapBytesInPlace(bytes, dt.bytes);
        await fn({ k0, depth: d, t, data: applyScaling(stored, header.datatype, header.sclSlope, header.sclInter) });
      }
    }
    await expectEnd(header, reader);
    return header;
  } finally {
    reader.close();
  }
}
