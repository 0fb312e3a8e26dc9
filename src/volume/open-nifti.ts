import { type Stats, closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { isUserError } from '../errors.js';
import { ByteReader } from './byte-reader.js';
import type { ByteSource } from './byte-source.js';
import { GunzipSource, canInflateDirectly } from './gunzip-source.js';
import { GzipMemorySource } from './gzip-memory-source.js';
import { MemorySource } from './memory-source.js';
import { type NiftiHeader, parseNiftiHeader } from './nifti-header.js';
import { PlainFileSource } from './plain-file-source.js';
import { volumeError } from './volume-error.js';

const CHUNK = 1 << 20;
const DIRECT = canInflateDirectly();
// Files up to this size are read whole, synchronously, and decoded from memory: QS reads
// per-organ masks of a few kB by the hundred, and for them the thread-pool round trips and
// 256 kB buffers of chunked reading cost more than reading and inflating (2.5 -> 2.2 ms for 9
// masks of 370k voxels). Larger files are streamed in chunks, so memory stays bounded.
export const WHOLE_FILE_BYTES = 4 << 20;

// A NIfTI file opened for one forward pass: its parsed header, and a reader positioned at
// the first voxel byte (gunzipping on the fly for .nii.gz).
export interface OpenedNifti {
  header: NiftiHeader;
  reader: ByteSource;
}

// Where a file read whole is put: `bytes`, grown when too small, for reads one after the other
// (the bytes are in use until the read is done).
export interface FileBuffer {
  bytes?: Uint8Array;
}

// Opens path, checks it is a readable NIfTI file, parses its header and seeks to the voxels.
// Files up to wholeFileBytes are read whole (0: every file is streamed), into `into` if given.
export async function openNifti(
  path: string,
  wholeFileBytes = WHOLE_FILE_BYTES,
  into?: FileBuffer,
): Promise<OpenedNifti> {
  const size = checkFile(path);
  const { reader, compressed } =
    size <= wholeFileBytes && DIRECT
      ? await readWhole(path, size, into)
      : await openStream(path, size);
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

function checkFile(path: string): number {
  let info: Stats;
  try {
    info = statSync(path);
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

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

// A small file: read whole, decoded from memory (gzip only where zlib's binding allows it).
async function readWhole(
  path: string,
  size: number,
  into: FileBuffer = {},
): Promise<{ reader: ByteSource; compressed: boolean }> {
  const bytes = await guardRead(path, false, async () => readFileInto(path, size, into));
  const compressed = isGzip(bytes);
  return { reader: compressed ? new GzipMemorySource(bytes) : new MemorySource(bytes), compressed };
}

// The file's `size` bytes (fewer if it shrank meanwhile), read into `into`.
function readFileInto(path: string, size: number, into: FileBuffer): Uint8Array {
  if (into.bytes === undefined || into.bytes.length < size) into.bytes = Buffer.allocUnsafe(size);
  const fd = openSync(path, 'r');
  try {
    let at = 0;
    while (at < size) {
      const n = readSync(fd, into.bytes, at, size - at, at);
      if (n === 0) break;
      at += n;
    }
    return into.bytes.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}

// A large file: read in chunks as its bytes are asked for (gunzipped on the fly).
async function openStream(
  path: string,
  size: number,
): Promise<{ reader: ByteSource; compressed: boolean }> {
  const handle = await guardRead(path, false, () => open(path, 'r'));
  let compressed: boolean;
  try {
    const probe = Buffer.alloc(2);
    await guardRead(path, false, () => handle.read(probe, 0, 2, 0));
    compressed = isGzip(probe);
  } catch (error) {
    await handle.close();
    throw error;
  }
  if (!compressed) return { reader: new PlainFileSource(handle, size), compressed };
  if (DIRECT) return { reader: new GunzipSource(handle), compressed };
  void handle.close();
  const file = createReadStream(path, { highWaterMark: CHUNK });
  const reader = new ByteReader(pipeline(file, createGunzip({ chunkSize: CHUNK }), () => {}));
  return { reader, compressed };
}
