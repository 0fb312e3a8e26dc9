import { createReadStream } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { isUserError } from '../errors.js';
import { ByteReader } from './byte-reader.js';
import type { ByteSource } from './byte-source.js';
import { GunzipSource, canInflateDirectly } from './gunzip-source.js';
import { type NiftiHeader, parseNiftiHeader } from './nifti-header.js';
import { PlainFileSource } from './plain-file-source.js';
import { volumeError } from './volume-error.js';

const CHUNK = 1 << 20;
const DIRECT = canInflateDirectly();

// A NIfTI file opened for one forward pass: its parsed header, and a reader positioned at
// the first voxel byte (gunzipping on the fly for .nii.gz).
export interface OpenedNifti {
  header: NiftiHeader;
  reader: ByteSource;
}

// Opens path, checks it is a readable NIfTI file, parses its header and seeks to the voxels.
export async function openNifti(path: string): Promise<OpenedNifti> {
  const size = await checkFile(path);
  const handle = await guardRead(path, false, () => open(path, 'r'));
  const compressed = await startsWithGzipMagic(path, handle);
  const reader = openSource(path, handle, size, compressed);
  try {
    const header = await guardRead(path, compressed, () => readHeader(path, reader, compressed));
    if (!compressed && header.voxOffset > size) {
      throw volumeError(
        path,
        `bad vox_offset ${header.voxOffset}: beyond the end of the file (${size} bytes)`,
        'the header is corrupt or the file truncated',
      );
    }
    await guardRead(path, compressed, () => reader.skip(header.voxOffset - reader.position));
    return { header, reader };
  } catch (error) {
    reader.close();
    throw error;
  }
}

async function readHeader(
  path: string,
  reader: ByteSource,
  compressed: boolean,
): Promise<NiftiHeader> {
  const bytes = new Uint8Array(540);
  let n = await reader.fill(bytes.subarray(0, 348));
  const first = n >= 4 ? new DataView(bytes.buffer).getInt32(0, true) : 0;
  if (n === 348 && (first === 540 || first === 0x1c020000))
    n += await reader.fill(bytes.subarray(348));
  return parseNiftiHeader(path, bytes.subarray(0, n), compressed);
}

// Runs a read step, turning file-system and zlib failures into UserErrors about path.
export async function guardRead<T>(
  path: string,
  compressed: boolean,
  step: () => Promise<T>,
): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (isUserError(error)) throw error;
    throw readFailure(path, compressed, error);
  }
}

function readFailure(path: string, compressed: boolean, error: unknown): Error {
  const e = error as NodeJS.ErrnoException;
  if (compressed && e.code === 'Z_BUF_ERROR') {
    return volumeError(
      path,
      'the gzip stream is truncated (unexpected end of file)',
      'the file was cut short; copy or download it again',
      error,
    );
  }
  if (compressed && typeof e.code === 'string' && e.code.startsWith('Z_')) {
    return volumeError(
      path,
      `the gzip data is corrupt (zlib: ${e.message})`,
      'the file is damaged; copy or download it again',
      error,
    );
  }
  if (typeof e.code === 'string' && e.code.startsWith('E')) {
    return volumeError(path, `cannot be read (${e.code}: ${e.message})`, undefined, error);
  }
  return e instanceof Error ? e : new Error(String(e));
}

async function checkFile(path: string): Promise<number> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw volumeError(path, 'no such file', 'check the path', error);
    if (code === 'EACCES')
      throw volumeError(path, 'permission denied', 'check the file permissions', error);
    throw readFailure(path, false, error);
  }
  if (info.isDirectory())
    throw volumeError(
      path,
      'is a directory, not a NIfTI file',
      'give the path of a .nii or .nii.gz file',
    );
  if (!info.isFile())
    throw volumeError(path, 'is not a regular file', 'give the path of a .nii or .nii.gz file');
  if (info.size === 0)
    throw volumeError(
      path,
      'is empty (0 bytes)',
      'the file was not written completely; make it again',
    );
  return info.size;
}

async function startsWithGzipMagic(path: string, handle: FileHandle): Promise<boolean> {
  const probe = Buffer.alloc(2);
  try {
    const { bytesRead } = await guardRead(path, false, () => handle.read(probe, 0, 2, 0));
    return bytesRead === 2 && probe[0] === 0x1f && probe[1] === 0x8b;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

// Plain files are read straight into the caller's arrays; gzip is inflated straight into
// them too where Node allows (GunzipSource), else through a zlib stream.
function openSource(
  path: string,
  handle: FileHandle,
  size: number,
  compressed: boolean,
): ByteSource {
  if (!compressed) return new PlainFileSource(handle, size);
  if (DIRECT) return new GunzipSource(handle);
  void handle.close();
  const file = createReadStream(path, { highWaterMark: CHUNK });
  return new ByteReader(pipeline(file, createGunzip({ chunkSize: CHUNK }), () => {}));
}
