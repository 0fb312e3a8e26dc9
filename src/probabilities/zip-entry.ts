import type { FileHandle } from 'node:fs/promises';
import { UserError } from '../errors.js';

// Where one member of a zip archive (an .npz) lies: its data offset, sizes and method.
export interface ZipEntry {
  dataOffset: number;
  compressedSize: number;
  method: number;
}

// Finds `name` through the central directory (zip64 included, as numpy writes large arrays).
export async function findZipEntry(
  handle: FileHandle,
  size: number,
  name: string,
  path: string,
): Promise<ZipEntry> {
  const fail = (problem: string) =>
    new UserError(`${path}: ${problem}`, {
      hint: 'expected an .npz written by numpy (np.savez / np.savez_compressed)',
    });
  const tailLength = Math.min(size, 65557 + 20);
  const tail = Buffer.alloc(tailLength);
  await handle.read(tail, 0, tailLength, size - tailLength);
  const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw fail('is not a zip archive (no end of central directory)');
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  const locator = eocd - 20;
  if (locator >= 0 && tail.readUInt32LE(locator) === 0x07064b50) {
    const zip64Offset = Number(tail.readBigUInt64LE(locator + 8));
    const record = Buffer.alloc(56);
    await handle.read(record, 0, 56, zip64Offset);
    count = Number(record.readBigUInt64LE(32));
    cdSize = Number(record.readBigUInt64LE(40));
    cdOffset = Number(record.readBigUInt64LE(48));
  }
  const cd = Buffer.alloc(cdSize);
  await handle.read(cd, 0, cdSize, cdOffset);
  let at = 0;
  for (let i = 0; i < count && at + 46 <= cd.length; i++) {
    const nameLength = cd.readUInt16LE(at + 28);
    const extraLength = cd.readUInt16LE(at + 30);
    const commentLength = cd.readUInt16LE(at + 32);
    const entryName = cd.toString('utf8', at + 46, at + 46 + nameLength);
    if (entryName === name) {
      const fields = {
        compressed: cd.readUInt32LE(at + 20),
        uncompressed: cd.readUInt32LE(at + 24),
        local: cd.readUInt32LE(at + 42),
      };
      readZip64Extra(cd.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength), fields);
      const local = Buffer.alloc(30);
      await handle.read(local, 0, 30, fields.local);
      if (local.readUInt32LE(0) !== 0x04034b50)
        throw fail(`has a corrupt local header for ${name}`);
      const dataOffset = fields.local + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      const method = cd.readUInt16LE(at + 10);
      if (method !== 0 && method !== 8)
        throw fail(`stores ${name} with zip method ${method}; only stored and deflate are read`);
      return { dataOffset, compressedSize: fields.compressed, method };
    }
    at += 46 + nameLength + extraLength + commentLength;
  }
  throw fail(`has no "${name.replace(/\.npy$/, '')}" array`);
}

function readZip64Extra(
  extra: Buffer,
  fields: { compressed: number; uncompressed: number; local: number },
): void {
  let at = 0;
  while (at + 4 <= extra.length) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === 0x0001) {
      let p = at + 4;
      if (fields.uncompressed === 0xffffffff) {
        fields.uncompressed = Number(extra.readBigUInt64LE(p));
        p += 8;
      }
      if (fields.compressed === 0xffffffff) {
        fields.compressed = Number(extra.readBigUInt64LE(p));
        p += 8;
      }
      if (fields.local === 0xffffffff) fields.local = Number(extra.readBigUInt64LE(p));
      return;
    }
    at += 4 + length;
  }
}
