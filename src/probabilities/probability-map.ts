import { UserError } from '../errors.js';
import { openSlabs } from '../volume/iterate-slabs.js';
import type { Affine } from '../volume/types.js';
import { openNpzSlices } from './npz-slices.js';

// What a probability map holds: its spatial grid, its channels (background first, then the
// class map's labels in ascending order), and how it was stored.
export interface ProbabilityMapInfo {
  path: string;
  format: 'nifti' | 'npz';
  dims: [number, number, number];
  channels: number;
  // The NIfTI affine; an .npz carries none.
  affine: Affine | undefined;
  // 'float32', 'uint8 (scl_slope 1/255)', '<f2', ... as stored.
  storage: string;
  // For NIfTI: the scaling, which for uint8 must be scl_slope = 1/255, scl_inter = 0.
  sclSlope: number;
  sclInter: number;
}

// One z-slice of one channel (x fastest), values scaled to probabilities.
export interface ProbabilitySlice {
  channel: number;
  k: number;
  data: Float32Array;
}

// Stored bytes per slab: a few slices, the same whatever the volume's depth, so the memory of
// a pass does not grow with the volume.
const SLAB_BYTES = 1 << 20;

// Opens a probability map for one streaming pass in file order (channel outer, z inner): a
// NIfTI 4D map (x, y, z, class), float32 or uint8 with scl_slope = 1/255, or nnU-Net's .npz
// (`probabilities`, C x z x y x; float16/32/64 or uint8), stored or deflated. Only a slab is
// held at a time and the slice arrays are reused: a consumer must be done with a slice before
// it asks for the next one (several maps can be read in lockstep).
export async function openProbabilityMap(
  path: string,
): Promise<{ info: ProbabilityMapInfo; slices: AsyncGenerator<ProbabilitySlice> }> {
  if (path.endsWith('.npz')) return openNpzSlices(path);
  const { header, slabs } = await openSlabs(path, { slabBytes: SLAB_BYTES, reuse: true });
  const [nx = 1, ny = 1, nz = 1, channels = 1] = header.dims;
  if (header.dims.length !== 4 || channels < 2) {
    await slabs.return(undefined);
    throw new UserError(
      `${path}: a probability map must be 4D (x, y, z, class) with at least 2 classes, but its dims are ${header.dims.join(' x ')}`,
      { hint: 'the engine should save softmax probabilities with the class as the 4th dimension' },
    );
  }
  const slope = Math.abs(header.sclSlope * 255 - 1) < 1e-6 ? '1/255' : String(header.sclSlope);
  const info: ProbabilityMapInfo = {
    path,
    format: 'nifti',
    dims: [nx, ny, nz],
    channels,
    affine: header.affine,
    storage: header.datatype === 'uint8' ? `uint8 (scl_slope ${slope})` : header.datatype,
    sclSlope: header.sclSlope,
    sclInter: header.sclInter,
  };
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
        yield { channel: slab.t, k: slab.k0 + d, data };
      }
    }
  }
  return { info, slices: slices() };
}
