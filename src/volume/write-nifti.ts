import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { DATATYPES } from './datatypes.js';
import { nifti1HeaderBytes } from './nifti1-header-bytes.js';
import { quantizeVoxels } from './quantize-voxels.js';
import type { DataTypeName, Volume, VoxelArray } from './types.js';
import { volumeError } from './volume-error.js';

// How to store the voxels: the datatype (default: the volume's) and the scaling, e.g.
// { datatype: 'uint8', sclSlope: 1 / 255 } for a probability map in [0, 1].
export interface WriteNiftiOptions {
  datatype?: DataTypeName;
  sclSlope?: number;
  sclInter?: number;
  // gzip level for .nii.gz (default 1, as nibabel uses: fast, and labels compress well anyway).
  compressionLevel?: number;
}

// Writes a volume as single-file NIfTI-1: gzipped when path ends in .gz, plain .nii otherwise.
// The file appears atomically (written to a temporary name beside it, then renamed).
export async function writeNifti(
  path: string,
  volume: Volume,
  options: WriteNiftiOptions = {},
): Promise<void> {
  checkVolume(path, volume);
  const datatype = options.datatype ?? volume.datatype;
  const keepScaling = datatype === volume.datatype;
  const sclSlope = options.sclSlope ?? (keepScaling ? volume.sclSlope : 1);
  const sclInter = options.sclInter ?? (keepScaling ? volume.sclInter : 0);
  checkScaling(path, sclSlope, sclInter);
  const stored = quantizeVoxels(volume.data, datatype, sclSlope, sclInter);
  await writeFileAtomically(
    path,
    nifti1HeaderBytes({ dims: volume.dims, datatype, affine: volume.affine, sclSlope, sclInter }),
    stored,
    options.compressionLevel,
  );
}

// Writes `volume.data` as the stored values themselves (an array of `volume.datatype`), with
// `volume.sclSlope` and `volume.sclInter` in the header: for callers that quantize on their own,
// e.g. probability bytes with scl_slope = 1/255, which then skip a float round trip.
export async function writeStoredNifti(
  path: string,
  volume: Volume,
  options: Pick<WriteNiftiOptions, 'compressionLevel'> = {},
): Promise<void> {
  checkVolume(path, volume);
  const { datatype, sclSlope, sclInter } = volume;
  if (DATATYPES[datatype].create(0).constructor !== volume.data.constructor) {
    throw new Error(
      `writeStoredNifti ${path}: data is a ${volume.data.constructor.name}, not the ${datatype} array`,
    );
  }
  checkScaling(path, sclSlope, sclInter);
  const header = nifti1HeaderBytes({
    dims: volume.dims,
    datatype,
    affine: volume.affine,
    sclSlope,
    sclInter,
  });
  await writeFileAtomically(path, header, volume.data, options.compressionLevel);
}

// Header then voxels, gzipped when the path ends in .gz, written beside the target and renamed.
async function writeFileAtomically(
  path: string,
  header: Uint8Array,
  stored: VoxelArray,
  compressionLevel = 1,
): Promise<void> {
  const body = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    if (path.endsWith('.gz')) {
      const gzip = createGzip({ level: compressionLevel, chunkSize: 1 << 20 });
      await pipeline(Readable.from([header, body]), gzip, createWriteStream(temp));
    } else {
      await writeFile(temp, Buffer.concat([header, body]));
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    const e = error as NodeJS.ErrnoException;
    if (typeof e.code === 'string' && e.code.startsWith('E')) {
      throw volumeError(
        path,
        `cannot be written (${e.code}: ${e.message})`,
        'check that the folder exists and is writable',
        error,
      );
    }
    throw error;
  }
}

function checkScaling(path: string, sclSlope: number, sclInter: number): void {
  if (!Number.isFinite(sclSlope) || sclSlope === 0 || !Number.isFinite(sclInter)) {
    throw new Error(
      `writeNifti ${path}: scl_slope must be finite and non-zero, scl_inter finite (got ${sclSlope}, ${sclInter})`,
    );
  }
}

function checkVolume(path: string, v: Volume): void {
  const n = v.dims.reduce((a, b) => a * b, 1);
  if (v.dims.length < 3 || v.dims.length > 4 || v.dims.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new Error(
      `writeNifti ${path}: dims ${JSON.stringify(v.dims)} must be 3 or 4 positive integers`,
    );
  }
  if (n !== v.data.length) {
    throw new Error(
      `writeNifti ${path}: dims ${v.dims.join('x')} hold ${n} voxels but data has ${v.data.length}`,
    );
  }
  if (v.dims.some((d) => d > 32767)) {
    throw volumeError(
      path,
      `dims ${v.dims.join(' x ')} exceed NIfTI-1's limit of 32767 per axis`,
      'crop or split the volume',
    );
  }
  if (v.affine.flat().some((x) => !Number.isFinite(x))) {
    throw new Error(`writeNifti ${path}: the affine has a non-finite entry`);
  }
}
