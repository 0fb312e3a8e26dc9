import { openSlabs } from '../volume/iterate-slabs.js';
import type { NiftiHeader } from '../volume/nifti-header.js';

// Axial slices of a volume (the first 3D volume of a 4D file), scaled, x fastest.
export interface VolumeSlices {
  header: NiftiHeader;
  slices: Map<number, Float32Array>;
}

// Reads the slices `zs` of a NIfTI file in one streamed pass that stops after the last one
// needed, so a thumbnail never holds the whole CT. Indices outside the volume are skipped.
export async function readSlices(path: string, zs: readonly number[]): Promise<VolumeSlices> {
  const wanted = new Set(zs);
  const last = Math.max(-1, ...zs);
  const { header, slabs } = await openSlabs(path, { reuse: true });
  const [nx = 1, ny = 1] = header.dims;
  const area = nx * ny;
  const slices = new Map<number, Float32Array>();
  for await (const slab of slabs) {
    if (slab.t > 0) break;
    for (let d = 0; d < slab.depth; d++) {
      const z = slab.k0 + d;
      if (wanted.has(z))
        slices.set(z, Float32Array.from(slab.data.subarray(d * area, (d + 1) * area)));
    }
    if (slab.k0 + slab.depth > last) break;
  }
  return { header, slices };
}

// The voxel count of `value` in each axial slice of a label map, in one streamed pass.
export async function labelAreaPerSlice(path: string, value: number): Promise<number[]> {
  const { header, slabs } = await openSlabs(path, { reuse: true });
  const [nx = 1, ny = 1, nz = 1] = header.dims;
  const area = nx * ny;
  const counts = new Array<number>(nz).fill(0);
  for await (const slab of slabs) {
    if (slab.t > 0) break;
    for (let d = 0; d < slab.depth; d++) {
      let count = 0;
      const data = slab.data;
      for (let i = d * area; i < (d + 1) * area; i++) if (data[i] === value) count++;
      counts[slab.k0 + d] = count;
    }
  }
  return counts;
}
