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

// Slab depth in slices, or the stored bytes a slab may hold (default 16 MiB; at least one
// slice either way), and the file's byte limit.
// reuse: hand out the same arrays for every slab (the consumer must not keep them), so that
// the pass holds one slab instead of leaving each to the garbage collector.
export interface SlabOptions {
  depth?: number;
  slabBytes?: number;
  maxBytes?: number;
  reuse?: boolean;
}

const DEFAULT_SLAB_BYTES = 16 * 1024 * 1024;

// A NIfTI file opened for a slab-by-slab pass: the header at once, the slabs on demand in
// file order (t outer, z inner). Pull-based, so several files can be read in lockstep.
// close() releases the file when no slab will be read (a generator never started does not run
// its cleanup on return()); once the slabs are iterated, the iteration releases it.
export async function openSlabs(
  path: string,
  options: SlabOptions = {},
): Promise<{ header: NiftiHeader; slabs: AsyncGenerator<Slab>; close(): void }> {
  const limit = maxVoxelBytes(options.maxBytes);
  const { header, reader } = await openNifti(path);
  const dt = DATATYPES[header.datatype];
  const [nx = 1, ny = 1, nz = 1, nt = 1] = header.dims;
  const total = nx * ny * nz * nt * dt.bytes;
  try {
    checkVoxelBytes(path, header.dims, total, limit);
  } catch (error) {
    reader.close();
    throw error;
  }
  const sliceBytes = nx * ny * dt.bytes;
  const depth = Math.max(
    1,
    Math.min(
      nz,
      options.depth ?? Math.floor((options.slabBytes ?? DEFAULT_SLAB_BYTES) / sliceBytes),
    ),
  );
  const shared = options.reuse ? dt.create(nx * ny * depth) : undefined;
  let scaledShared: VoxelArray | undefined;
  let started = false;
  async function* slabs(): AsyncGenerator<Slab> {
    started = true;
    try {
      for (let t = 0; t < nt; t++) {
        for (let k0 = 0; k0 < nz; k0 += depth) {
          const d = Math.min(depth, nz - k0);
          const stored = shared ? shared.subarray(0, nx * ny * d) : dt.create(nx * ny * d);
          const bytes = new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength);
          await readExactly(header, reader, bytes, total);
          if (!header.littleEndian) swapBytesInPlace(bytes, dt.bytes);
          const { sclSlope, sclInter } = header;
          const into = shared ? scaledShared?.subarray(0, stored.length) : undefined;
          const data = applyScaling(stored, header.datatype, sclSlope, sclInter, into);
          if (shared && data !== stored && !scaledShared) scaledShared = data;
          yield { k0, depth: d, t, data };
        }
      }
      await expectEnd(header, reader);
    } finally {
      reader.close();
    }
  }
  const close = () => {
    if (!started) reader.close();
  };
  return { header, slabs: slabs(), close };
}
