import { stat } from 'node:fs/promises';
import { isUserError } from '../errors.js';
import { openProbabilityMap } from '../probabilities/probability-map.js';
import type { ClassMap } from '../volume/class-map.js';
import {
  type GridLike,
  type NiftiHeader,
  type Slab,
  gridDifference,
  openSlabs,
  readNiftiHeader,
} from '../volume/index.js';

// The output checks of the engine contract, shared by every engine run and by
// `sentinel engine-check`. Each returns a problem (what is wrong, naming the file) or undefined.

// A contract violation found in an engine's outputs.
export interface OutputProblem {
  reason: 'missing-output' | 'bad-output';
  message: string;
}

// The label values a mask may hold: 0 and the class map's labels.
export function allowedLabels(classes: ClassMap): Set<number> {
  return new Set([0, ...Object.keys(classes).map(Number)]);
}

// Whether a path exists (file or folder); a missing one is a problem.
export async function checkExists(path: string, what: string): Promise<OutputProblem | undefined> {
  try {
    await stat(path);
    return undefined;
  } catch {
    return { reason: 'missing-output', message: `${what} ${path} does not exist` };
  }
}

// Reads an image's grid from its header only.
export async function readGrid(path: string): Promise<GridLike> {
  const header = await readNiftiHeader(path);
  return { dims: header.dims, affine: header.affine };
}

// A mask must be a 3D label map on the image's grid holding only allowed labels. The file is
// opened once for both checks (its header, then its voxels).
export async function checkMask(
  path: string,
  image: GridLike,
  labels: Set<number>,
): Promise<OutputProblem | undefined> {
  const missing = await checkExists(path, 'mask');
  if (missing) return missing;
  return readingProblem(path, async () => {
    const { header, slabs, close } = await openSlabs(path);
    const offGrid = maskGridProblem(path, header, image);
    if (offGrid) {
      close();
      return offGrid;
    }
    return maskLabelsProblem(path, slabs, labels);
  });
}

// A mask must exist and be one 3D volume on the image's grid.
export async function checkMaskGrid(
  path: string,
  image: GridLike,
): Promise<OutputProblem | undefined> {
  const missing = await checkExists(path, 'mask');
  if (missing) return missing;
  return readingProblem(path, async () =>
    maskGridProblem(path, await readNiftiHeader(path), image),
  );
}

// A mask may hold only 0 and the class map's labels (whole numbers).
export async function checkMaskLabels(
  path: string,
  labels: Set<number>,
): Promise<OutputProblem | undefined> {
  return readingProblem(path, async () =>
    maskLabelsProblem(path, (await openSlabs(path)).slabs, labels),
  );
}

function maskGridProblem(path: string, header: NiftiHeader, image: GridLike): string | undefined {
  if (header.dims.length > 3 && header.dims.slice(3).some((d) => d !== 1)) {
    return `mask ${path} has dims ${header.dims.join(' x ')}; a mask is one 3D label map`;
  }
  const diff = gridDifference(image, header);
  return diff ? `mask ${path} is not on the image's grid (image vs mask: ${diff})` : undefined;
}

async function maskLabelsProblem(
  path: string,
  slabs: AsyncIterable<Slab>,
  labels: Set<number>,
): Promise<string | undefined> {
  const bad = new Map<number, number>();
  for await (const slab of slabs) {
    for (let i = 0; i < slab.data.length; i++) {
      const v = slab.data[i]!;
      if (!labels.has(v)) bad.set(v, (bad.get(v) ?? 0) + 1);
    }
  }
  if (bad.size === 0) return undefined;
  const shown = [...bad.entries()].slice(0, 5).map(([v, n]) => `${v} (${n} voxels)`);
  return `mask ${path} holds labels outside the class map: ${shown.join(', ')}; allowed: ${[...labels].join(', ')}`;
}

// What checking a probability map found besides problems: values at sampled voxels (all
// channels), so that Monte-Carlo samples can be compared with each other.
export interface ProbabilityCheck {
  problem: OutputProblem | undefined;
  sample: Float32Array;
}

const MAX_SAMPLED_VOXELS = 1 << 18;

// A probability map must have classes + 1 channels on the image's grid, values in [0, 1] and,
// at every sampled voxel (all voxels of small maps, an even stride of large ones), channels
// summing to 1 within a tolerance (1e-3 for floats; C/510 for uint8, the rounding of C bytes).
export async function checkProbabilityMap(
  path: string,
  image: GridLike,
  channels: number,
): Promise<ProbabilityCheck> {
  const sample = new Float32Array(0);
  const missing = await checkExists(path, 'probability map');
  if (missing) return { problem: missing, sample };
  let sampled = sample;
  const problem = await readingProblem(path, async () => {
    const { info, slices } = await openProbabilityMap(path);
    if (info.format === 'nifti') {
      const isFloat = info.storage === 'float32';
      const isUint8 =
        info.storage.startsWith('uint8') &&
        Math.abs(info.sclSlope * 255 - 1) < 1e-6 &&
        info.sclInter === 0;
      if (!isFloat && !isUint8) {
        return `probability map ${path} is stored as ${info.storage}; the contract allows float32, or uint8 with scl_slope = 1/255 and scl_inter = 0`;
      }
    }
    if (info.channels !== channels) {
      return `probability map ${path} has ${info.channels} channels; expected ${channels} (background + ${channels - 1} classes)`;
    }
    const diff =
      info.affine === undefined
        ? info.dims.join(' x ') === image.dims.slice(0, 3).join(' x ')
          ? undefined
          : `dims ${info.dims.join(' x ')} vs ${image.dims.slice(0, 3).join(' x ')}`
        : gridDifference(image, { dims: info.dims, affine: info.affine });
    if (diff) return `probability map ${path} is not on the image's grid (image vs map: ${diff})`;
    const [nx, ny, nz] = info.dims;
    const voxels = nx * ny * nz;
    const stride = Math.max(1, Math.ceil(voxels / MAX_SAMPLED_VOXELS));
    const count = Math.ceil(voxels / stride);
    sampled = new Float32Array(count * channels);
    let outOfRange = 0;
    for await (const slice of slices) {
      const offset = slice.k * nx * ny;
      const data = slice.data;
      for (let i = 0; i < data.length; i++) {
        const v = data[i]!;
        if (!(v >= -1e-6 && v <= 1 + 1e-6)) outOfRange++;
        const voxel = offset + i;
        if (voxel % stride === 0) sampled[slice.channel * count + voxel / stride] = v;
      }
    }
    if (outOfRange > 0)
      return `probability map ${path} has ${outOfRange} values outside [0, 1] (or NaN)`;
    const tolerance =
      info.storage.startsWith('uint8') || info.storage === '|u1'
        ? Math.max(1e-3, channels / 510)
        : 1e-3;
    let worst = 0;
    let worstAt = 0;
    for (let s = 0; s < count; s++) {
      let sum = 0;
      for (let c = 0; c < channels; c++) sum += sampled[c * count + s]!;
      if (Math.abs(sum - 1) > worst) {
        worst = Math.abs(sum - 1);
        worstAt = s * stride;
      }
    }
    if (worst > tolerance) {
      const at = [worstAt % nx, Math.floor(worstAt / nx) % ny, Math.floor(worstAt / (nx * ny))];
      return `probability map ${path}: channels do not sum to 1 (off by ${worst.toPrecision(3)} at voxel (${at.join(', ')}); tolerance ${tolerance.toPrecision(2)})`;
    }
    return undefined;
  });
  return { problem, sample: sampled };
}

// Runs a check that reads a file; an unreadable file is itself the problem.
export async function readingProblem(
  path: string,
  check: () => Promise<string | undefined>,
): Promise<OutputProblem | undefined> {
  try {
    const message = await check();
    return message === undefined ? undefined : { reason: 'bad-output', message };
  } catch (error) {
    if (isUserError(error) || error instanceof Error) {
      const text = error.message.startsWith(path) ? error.message : `${path}: ${error.message}`;
      return { reason: 'bad-output', message: `cannot read ${text}` };
    }
    throw error;
  }
}
