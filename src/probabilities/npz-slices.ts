import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { UserError } from '../errors.js';
import { ByteReader } from '../volume/byte-reader.js';
import { parseNpyHeader } from './npy-header.js';
import type { ProbabilityMapInfo, ProbabilitySlice } from './probability-map.js';
import { findZipEntry } from './zip-entry.js';

// nnU-Net's probability file: an .npz whose `probabilities` array is C x z x y x, stored or
// deflated. Streams one z-slice at a time (inflating on the fly), never the whole array.
export async function openNpzSlices(
  path: string,
): Promise<{ info: ProbabilityMapInfo; slices: AsyncGenerator<ProbabilitySlice> }> {
  const size = (
    await stat(path).catch(() => {
      throw new UserError(`${path}: file not found`, { hint: 'check the engine output path' });
    })
  ).size;
  const handle = await open(path, 'r');
  let entry: Awaited<ReturnType<typeof findZipEntry>>;
  try {
    entry = await findZipEntry(handle, size, 'probabilities.npy', path);
  } finally {
    await handle.close();
  }
  const raw = createReadStream(path, {
    start: entry.dataOffset,
    end: entry.dataOffset + entry.compressedSize - 1,
  });
  const stream: Readable = entry.method === 8 ? raw.pipe(createInflateRaw()) : raw;
  const reader = new ByteReader(stream);
  const npy = await parseNpyHeader(reader, path);
  const [channels = 0, nz = 0, ny = 0, nx = 0] = npy.shape;
  if (npy.shape.length !== 4 || channels < 2) {
    reader.close();
    throw new UserError(
      `${path}: probabilities must be C x z x y x with C >= 2, got shape (${npy.shape.join(', ')})`,
      { hint: 'save the array nnU-Net writes with --save_probabilities' },
    );
  }
  const info: ProbabilityMapInfo = {
    path,
    format: 'npz',
    dims: [nx, ny, nz],
    channels,
    affine: undefined,
    storage: npy.dtype,
    sclSlope: 1,
    sclInter: 0,
  };
  async function* slices(): AsyncGenerator<ProbabilitySlice> {
    const n = nx * ny;
    const bytes = new Uint8Array(n * npy.bytesPerValue);
    try {
      for (let channel = 0; channel < channels; channel++) {
        for (let k = 0; k < nz; k++) {
          if ((await reader.fill(bytes)) !== bytes.length) {
            throw new UserError(
              `${path}: probabilities.npy is truncated (class ${channel}, slice ${k})`,
              {
                hint: 'the file was cut short; let the engine write it again',
              },
            );
          }
          yield { channel, k, data: npy.decode(bytes, n) };
        }
      }
    } finally {
      reader.close();
    }
  }
  return { info, slices: slices() };
}
