import type { Affine } from '../volume/index.js';
import { openSlabs } from '../volume/index.js';
import { readNpzArray } from './read-npz.js';

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

// One piece of one channel: slices k0..k0+depth-1, x fastest, values already scaled.
export interface ProbabilitySlab {
  channel: number;
  k0: number;
  depth: number;
  data: ArrayLike<number>;
}

// Opens a probability map for one pass in file order (channel outer, z inner): a NIfTI 4D
// map (x, y, z, class), float32 or uint8 with scl_slope = 1/255, or an nnU-Net .npz whose
// `probabilities` array is C x z x y x. NIfTI maps are streamed a slab at a time; an .npz is
// read whole. Throws (a UserError for NIfTI, an Error for .npz) on an unreadable file.
export async function openProbabilityMap(
  path: string,
): Promise<{ info: ProbabilityMapInfo; slabs: AsyncGenerator<ProbabilitySlab> }> {
  if (path.endsWith('.npz')) return openNpz(path);
  const { header, slabs } = await openSlabs(path);
  const [nx = 1, ny = 1, nz = 1, nc = 1] = header.dims;
  const storage =
    header.datatype === 'uint8'
      ? `uint8 (scl_slope ${formatSlope(header.sclSlope)})`
      : header.datatype;
  const info: ProbabilityMapInfo = {
    path,
    format: 'nifti',
    dims: [nx, ny, nz],
    channels: header.dims.length >= 4 ? nc : 1,
    affine: header.affine,
    storage,
    sclSlope: header.sclSlope,
    sclInter: header.sclInter,
  };
  async function* channelSlabs(): AsyncGenerator<ProbabilitySlab> {
    for await (const slab of slabs)
      yield { channel: slab.t, k0: slab.k0, depth: slab.depth, data: slab.data };
  }
  return { info, slabs: channelSlabs() };
}

// Reads a whole probability map as one Float32Array, channel-major (channel, z, y, x).
export async function readProbabilityMap(
  path: string,
): Promise<{ info: ProbabilityMapInfo; data: Float32Array }> {
  const { info, slabs } = await openProbabilityMap(path);
  const [nx, ny, nz] = info.dims;
  const data = new Float32Array(nx * ny * nz * info.channels);
  for await (const slab of slabs) data.set(slab.data, (slab.channel * nz + slab.k0) * nx * ny);
  return { info, data };
}

async function openNpz(
  path: string,
): Promise<{ info: ProbabilityMapInfo; slabs: AsyncGenerator<ProbabilitySlab> }> {
  const array = await readNpzArray(path, 'probabilities');
  if (array.shape.length !== 4) {
    throw new Error(
      `${path}: probabilities has shape (${array.shape.join(', ')}), expected 4 axes C x z x y x`,
    );
  }
  const [nc, nz, ny, nx] = array.shape as [number, number, number, number];
  const info: ProbabilityMapInfo = {
    path,
    format: 'npz',
    dims: [nx, ny, nz],
    channels: nc,
    affine: undefined,
    storage: array.dtype,
    sclSlope: 1,
    sclInter: 0,
  };
  const volume = nx * ny * nz;
  async function* channelSlabs(): AsyncGenerator<ProbabilitySlab> {
    for (let c = 0; c < nc; c++) {
      yield {
        channel: c,
        k0: 0,
        depth: nz,
        data: array.data.subarray(c * volume, (c + 1) * volume),
      };
    }
  }
  return { info, slabs: channelSlabs() };
}

function formatSlope(slope: number): string {
  return Math.abs(slope * 255 - 1) < 1e-6 ? '1/255' : String(slope);
}
