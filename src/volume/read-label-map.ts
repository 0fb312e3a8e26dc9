import { type ReadNiftiOptions, readNifti } from './read-nifti.js';
import type { Volume } from './types.js';
import { volumeError } from './volume-error.js';

// Reads a label map: every voxel must be a finite whole number in 0..65535. Returns the
// labels as a Uint8Array (max <= 255) or Uint16Array, with datatype and scaling to match
// (so writeNifti writes it back as a plain uint8/uint16 label map).
export async function readLabelMap(
  path: string,
  options: ReadNiftiOptions = {},
): Promise<Volume<Uint8Array | Uint16Array>> {
  const volume = await readNifti(path, options);
  const { data, dims } = volume;
  let max = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!(v >= 0 && v <= 65535 && Number.isInteger(v))) throw badLabel(path, dims, i, v);
    if (v > max) max = v;
  }
  if (data instanceof Uint8Array && volume.sclSlope === 1 && volume.sclInter === 0) {
    return { ...volume, data, datatype: 'uint8' };
  }
  const labels = max <= 255 ? Uint8Array.from(data) : Uint16Array.from(data);
  return {
    ...volume,
    data: labels,
    datatype: max <= 255 ? 'uint8' : 'uint16',
    sclSlope: 1,
    sclInter: 0,
  };
}

function badLabel(path: string, dims: number[], index: number, value: number): Error {
  const nx = dims[0] ?? 1;
  const ny = dims[1] ?? 1;
  const nz = dims[2] ?? 1;
  const at = [index % nx, Math.floor(index / nx) % ny, Math.floor(index / (nx * ny)) % nz];
  if (dims.length > 3) at.push(Math.floor(index / (nx * ny * nz)));
  const what = Number.isNaN(value)
    ? 'NaN'
    : !Number.isFinite(value)
      ? `${value}`
      : !Number.isInteger(value)
        ? `the non-integer value ${value}`
        : `the value ${value}, outside 0..65535`;
  return volumeError(
    path,
    `is expected to be a label map but holds ${what} at voxel (${at.join(', ')})`,
    'give an integer label mask (e.g. the argmax of the prediction), not an image or probability map',
  );
}
