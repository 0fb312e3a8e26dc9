import type { ByteSource } from './byte-source.js';
import type { NiftiHeader } from './nifti-header.js';
import { guardRead } from './open-nifti.js';
import { volumeError } from './volume-error.js';

// Fills bytes from the reader, or throws a UserError saying how much data was missing.
export async function readExactly(
  header: NiftiHeader,
  reader: ByteSource,
  bytes: Uint8Array,
  expectedTotal?: number,
): Promise<void> {
  const got = await guardRead(header.path, header.compressed, () => reader.fill(bytes));
  if (got === bytes.length) return;
  const total = expectedTotal ?? bytes.length;
  const have = reader.position - header.voxOffset;
  throw volumeError(
    header.path,
    `header dims ${header.dims.join(' x ')} (${header.datatype}) need ${total} bytes of voxels after vox_offset ${header.voxOffset}, but the ${header.compressed ? 'decompressed ' : ''}data holds only ${have}`,
    'the file is truncated or its header dims are wrong',
  );
}

// Throws a UserError when data remains after the voxels the header declares.
export async function expectEnd(header: NiftiHeader, reader: ByteSource): Promise<void> {
  if (await guardRead(header.path, header.compressed, () => reader.atEnd())) return;
  const need = reader.position - header.voxOffset;
  throw volumeError(
    header.path,
    `holds more data than header dims ${header.dims.join(' x ')} (${header.datatype}, ${need} bytes after vox_offset ${header.voxOffset}) declare`,
    'the header dims or datatype are wrong for this data',
  );
}
