import { UserError } from '../errors.js';
import { openSlabs } from '../volume/iterate-slabs.js';
import type { Affine } from '../volume/types.js';

// A fused uncertainty map (contract: save.entropyMap, save.mcStdMap): one float32 value per
// voxel on the image's grid, written by an engine that computed the entropy or the MC std
// itself while it predicted. Read here in one streaming pass, a slab at a time.

// Stored bytes per slab, as for probability maps: the pass's memory does not grow with depth.
const SLAB_BYTES = 1 << 20;

export interface UncertaintySlice {
  k: number;
  data: Float64Array;
}

// Opens a 3D uncertainty map (a 4th dimension of size 1 is accepted); each slice comes as
// float64 in a reused array (the consumer must be done with it before asking for the next).
export async function openUncertaintyMap(path: string): Promise<{
  dims: [number, number, number];
  affine: Affine;
  datatype: string;
  slices: AsyncGenerator<UncertaintySlice>;
}> {
  const { header, slabs } = await openSlabs(path, { slabBytes: SLAB_BYTES, reuse: true });
  const [nx = 1, ny = 1, nz = 1, ...rest] = header.dims;
  if (rest.some((n) => n !== 1)) {
    await slabs.return(undefined);
    throw new UserError(
      `${path}: an uncertainty map must be 3D (one value per voxel), but its dims are ${header.dims.join(' x ')}`,
      { hint: 'the engine should write the fused entropy / MC-std map as a 3D float32 NIfTI' },
    );
  }
  async function* slices(): AsyncGenerator<UncertaintySlice> {
    const sliceLength = nx * ny;
    const data = new Float64Array(sliceLength);
    for await (const slab of slabs) {
      for (let d = 0; d < slab.depth; d++) {
        for (let i = 0; i < sliceLength; i++) data[i] = slab.data[d * sliceLength + i]!;
        yield { k: slab.k0 + d, data };
      }
    }
  }
  return { dims: [nx, ny, nz], affine: header.affine, datatype: header.datatype, slices: slices() };
}
