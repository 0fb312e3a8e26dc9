import { UserError } from '../errors.js';
import { openSlabs } from '../volume/iterate-slabs.js';
import { openNpzProbabilities } from './npz-probabilities.js';

// The grid of a probability map: nx*ny*nz voxels and `classes` channels (background included).
export interface ProbabilityShape {
  nx: number;
  ny: number;
  nz: number;
  classes: number;
}

// One z-slice of one class's probabilities (x fastest), in file order: class outer, z inner.
export interface ProbabilitySlice {
  c: number;
  k: number;
  data: Float32Array;
}

// Stored bytes per slab: a few slices, the same whatever the volume's depth, so the memory of
// a pass does not grow with the volume (a 16 MiB default slab would: 4 MiB at 128x128x64 float
// maps, 16 MiB at 256x256x128).
const SLAB_BYTES = 1 << 20;

// A probability map opened for one streaming pass: NIfTI 4D (x, y, z, class), float or
// uint8 with scl_slope, or nnU-Net's .npz (`probabilities`, C x z x y x). Either way the
// slices come in the same order and only one slab is held at a time: the slice arrays are
// reused, so a consumer must be done with a slice before it asks for the next one.
export async function openProbabilities(
  path: string,
): Promise<{ shape: ProbabilityShape; slices: AsyncGenerator<ProbabilitySlice> }> {
  if (path.endsWith('.npz')) return openNpzProbabilities(path);
  const { header, slabs } = await openSlabs(path, { slabBytes: SLAB_BYTES, reuse: true });
  const [nx = 1, ny = 1, nz = 1, classes = 1] = header.dims;
  if (header.dims.length !== 4 || classes < 2) {
    await slabs.return(undefined);
    throw new UserError(
      `${path}: a probability map must be 4D (x, y, z, class) with at least 2 classes, but its dims are ${header.dims.join(' x ')}`,
      { hint: 'the engine should save softmax probabilities with the class as the 4th dimension' },
    );
  }
  const shape = { nx, ny, nz, classes };
  async function* slices(): AsyncGenerator<ProbabilitySlice> {
    const sliceLength = nx * ny;
    let converted: Float32Array | undefined;
    for await (const slab of slabs) {
      for (let d = 0; d < slab.depth; d++) {
        const part = slab.data.subarray(d * sliceLength, (d + 1) * sliceLength);
        let data: Float32Array;
        if (part instanceof Float32Array) data = part;
        else {
          converted ??= new Float32Array(sliceLength);
          converted.set(part);
          data = converted;
        }
        yield { c: slab.t, k: slab.k0 + d, data };
      }
    }
  }
  return { shape, slices: slices() };
}
