import { UserError } from '../../src/errors.js';
import {
  type Affine,
  type Volume,
  assertSameGrid,
  readLabelMap,
  readNifti,
  writeNifti,
  writeStoredNifti,
} from '../../src/volume/index.js';
import type { ImageGeometry } from './features.js';
import { type RegionProbabilities, fullProbabilities } from './segment-image.js';

// The reference engine's file access: images and label maps in, masks and probability maps
// out, all NIfTI on the image's grid.

// A 3D image read for the engine: voxel values and grid.
export interface EngineImage {
  data: ArrayLike<number>;
  geometry: ImageGeometry & { affine: Affine };
}

// Reads a 3D image (a 4th dimension of size 1 is accepted).
export async function readImage(path: string): Promise<EngineImage> {
  const volume = await readNifti(path);
  const dims = spatialDims(volume, path);
  return { data: volume.data, geometry: { dims, spacing: volume.spacing, affine: volume.affine } };
}

// Reads a label map (integer values) that must lie on the grid of its image.
export async function readLabels(
  path: string,
  image: EngineImage,
  imagePath: string,
): Promise<ArrayLike<number>> {
  const volume = await readLabelMap(path);
  assertSameGrid(image.geometry, volume, [imagePath, path]);
  return volume.data;
}

// Writes a 3D float32 map (a fused uncertainty map) on the image's grid.
export async function writeVoxelMap(
  path: string,
  values: Float32Array,
  image: EngineImage,
): Promise<void> {
  await writeNifti(path, volumeOn(image, [...image.geometry.dims], 'float32', values));
}

// Writes a uint8 label map on the image's grid.
export async function writeMask(path: string, mask: Uint8Array, image: EngineImage): Promise<void> {
  await writeNifti(path, volumeOn(image, [...image.geometry.dims], 'uint8', mask));
}

// Writes the class probabilities of every voxel as a 4D map (x, y, z, class): float32, or uint8
// with scl_slope = 1/255 (values rounded so that every voxel's bytes sum to 255). Voxels outside
// the region are background with probability 1.
export async function writeProbabilities(
  path: string,
  probabilities: RegionProbabilities,
  image: EngineImage,
  type: 'float32' | 'uint8',
): Promise<void> {
  const dims = [...image.geometry.dims, probabilities.classes];
  if (type === 'float32') {
    await writeNifti(path, volumeOn(image, dims, 'float32', fullProbabilities(probabilities)));
    return;
  }
  const bytes = quantizeProbabilities(probabilities);
  await writeStoredNifti(path, { ...volumeOn(image, dims, 'uint8', bytes), sclSlope: 1 / 255 });
}

// Rounds each voxel's probabilities to bytes with the largest-remainder rule, so that they add
// up to exactly 255, into the channel-major order of the 4D map (c * voxels + v). Works row by
// row on the region (each row's classes side by side) and fills the rest as background.
export function quantizeProbabilities(probabilities: RegionProbabilities): Uint8Array {
  const { voxels, inside, classes, rows } = probabilities;
  const out = new Uint8Array(voxels * classes);
  out.fill(255, 0, voxels);
  const row = new Uint8Array(classes);
  const remainders = new Float64Array(classes);
  for (let r = 0; r < inside.length; r++) {
    quantizeRow(rows, r * classes, row, remainders);
    const v = inside[r]!;
    for (let c = 0; c < classes; c++) out[c * voxels + v] = row[c]!;
  }
  return out;
}

// One row's bytes (rows[o .. o + classes - 1] -> out), adding up to 255; `remainders` is scratch
// of the same length.
export function quantizeRow(
  rows: Float32Array,
  o: number,
  out: Uint8Array,
  remainders: Float64Array,
): void {
  const classes = out.length;
  let total = 0;
  for (let c = 0; c < classes; c++) {
    const scaled = rows[o + c]! * 255;
    const floor = Math.floor(scaled);
    out[c] = floor;
    remainders[c] = scaled - floor;
    total += floor;
  }
  for (let missing = 255 - total; missing > 0; missing--) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (remainders[c]! > remainders[best]!) best = c;
    out[best]! += 1;
    remainders[best] = -1;
  }
}

function volumeOn(
  image: EngineImage,
  dims: number[],
  datatype: 'uint8' | 'float32',
  data: Uint8Array | Float32Array,
): Volume {
  const { spacing, affine } = image.geometry;
  return { dims, datatype, data, spacing, affine, sclSlope: 1, sclInter: 0 };
}

function spatialDims(volume: Volume, path: string): [number, number, number] {
  const [nx = 1, ny = 1, nz = 1, ...rest] = volume.dims;
  if (rest.some((n) => n !== 1)) {
    throw new UserError(
      `${path} has ${volume.dims.length} dimensions (${volume.dims.join('x')}); a 3D image is expected`,
    );
  }
  return [nx, ny, nz];
}
