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

// A probability map opened for one streaming pass: NIfTI 4D (x, y, z, class), float or
// uint8 with scl_slope, or nnU-Net's .npz (`probabilities`, C x z x y x). Either way the
// slices come in the same order and only one slab is held at a time.
export async function openProbabilities(
  path: string,
): Promise<{ shape: ProbabilityShape; slices: AsyncGenerator<ProbabilitySlice> }> {
  if (path.endsWith('.npz')) return openNpzProbabilities(path);
  const { header, slabs } = await openSlabs(path);
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
    for await (const slab of slabs) {
      for (let d = 0; d < slab.depth; d++) {
        const part = slab.data.subarray(d * sliceLength, (d + 1) * sliceLength);
        yield {
          c: slab.t,
          k: slab.k0 + d,
          data: part instanceof Float32Array ? part : Float32Array.from(part),
        };
      }
    }
  }
  return { shape, slices: slices() };
}
