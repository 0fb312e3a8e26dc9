import { type Slab, type SlabOptions, openSlabs } from './iterate-slabs.js';
import type { NiftiHeader } from './nifti-header.js';

export type { Slab, SlabOptions } from './iterate-slabs.js';

// Streams a NIfTI file slab by slab so that a reduction never holds the whole volume;
// returns the header. Each slab gets its own array, which fn may keep.
export async function forEachSlab(
  path: string,
  fn: (slab: Slab) => void | Promise<void>,
  options: SlabOptions = {},
): Promise<NiftiHeader> {
  const { header, slabs } = await openSlabs(path, options);
  for await (const slab of slabs) await fn(slab);
  return header;
}
