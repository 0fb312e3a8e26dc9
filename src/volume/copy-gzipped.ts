import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, rename } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

// Copies a NIfTI file to `dest` (a .nii.gz name): byte for byte when it is gzipped already,
// gzipped on the way otherwise. The copy appears atomically (a temporary name, then renamed).
export async function copyGzipped(source: string, dest: string): Promise<void> {
  const partial = `${dest}.partial-${process.pid}`;
  if (source.endsWith('.gz')) await copyFile(source, partial);
  else
    await pipeline(createReadStream(source), createGzip({ level: 1 }), createWriteStream(partial));
  await rename(partial, dest);
}
