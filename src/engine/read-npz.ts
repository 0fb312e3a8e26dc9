import { readFile } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';

// One array of a NumPy .npz archive, as float32 in C order (last axis fastest).
export interface NpyArray {
  shape: number[];
  dtype: string;
  data: Float32Array;
}

// Reads the array `name` (e.g. "probabilities") from a NumPy .npz file, as written by
// np.savez or np.savez_compressed (zip, stored or deflated, zip64 included). Supports the
// dtypes engines write for probabilities: float16/32/64 and uint8, little-endian, C order.
// Throws an Error that says what is wrong with the file.
export async function readNpzArray(path: string, name: string): Promise<NpyArray> {
  const zip = await readFile(path);
  const entry = findEntry(zip, `${name}.npy`);
  if (!entry) throw new Error(`${path}: no array "${name}" in the .npz archive`);
  const localNameLength = zip.readUInt16LE(entry.localOffset + 26);
  const localExtraLength = zip.readUInt16LE(entry.localOffset + 28);
  const start = entry.localOffset + 30 + localNameLength + localExtraLength;
  const raw = zip.subarray(start, start + entry.compressedSize);
  let npy: Buffer;
  if (entry.method === 0) npy = raw;
  else if (entry.method === 8) npy = inflateRawSync(raw);
  else throw new Error(`${path}: zip compression method ${entry.method} is not supported`);
  return parseNpy(npy, `${path}:${name}.npy`);
}

interface ZipEntry {
  method: number;
  compressedSize: number;
  localOffset: number;
}

function findEntry(zip: Buffer, wanted: string): ZipEntry | undefined {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip archive (no end of central directory)');
  let count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  if (offset === 0xffffffff || count === 0xffff) {
    // zip64: the locator sits just before the end record and points at the zip64 end record.
    const locator = eocd - 20;
    const record = Number(zip.readBigUInt64LE(locator + 8));
    count = Number(zip.readBigUInt64LE(record + 32));
    offset = Number(zip.readBigUInt64LE(record + 48));
  }
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error('damaged zip central directory');
    const method = zip.readUInt16LE(offset + 10);
    let compressedSize = zip.readUInt32LE(offset + 20);
    let uncompressedSize = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    let localOffset = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    // zip64 extended information: the 64-bit values of the fields that are 0xffffffff, in order.
    let extra = offset + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = zip.readUInt16LE(extra);
      const size = zip.readUInt16LE(extra + 2);
      if (id === 0x0001) {
        let p = extra + 4;
        const next = () => {
          const v = Number(zip.readBigUInt64LE(p));
          p += 8;
          return v;
        };
        if (uncompressedSize === 0xffffffff) uncompressedSize = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localOffset === 0xffffffff) localOffset = next();
      }
      extra += 4 + size;
    }
    if (name === wanted) return { method, compressedSize, localOffset };
    offset = extraEnd + commentLength;
  }
  return undefined;
}

// Parses a .npy file (format 1.0, 2.0 or 3.0) into float32.
function parseNpy(npy: Buffer, where: string): NpyArray {
  if (npy.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${where}: not a .npy array`);
  const major = npy[6]!;
  const headerLength = major === 1 ? npy.readUInt16LE(8) : npy.readUInt32LE(8);
  const dataStart = (major === 1 ? 10 : 12) + headerLength;
  const header = npy.toString('latin1', major === 1 ? 10 : 12, dataStart);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined)
    throw new Error(`${where}: unreadable .npy header ${header.trim()}`);
  if (fortran === 'True')
    throw new Error(`${where}: Fortran-ordered arrays are not supported (save a C-ordered array)`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = npy.subarray(dataStart);
  const data = new Float32Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = { '<f2': 2, '<f4': 4, '<f8': 8, '|u1': 1, '<u1': 1 }[descr];
  if (size === undefined)
    throw new Error(`${where}: dtype ${descr} is not supported (use float16/32/64 or uint8)`);
  if (bytes.length < count * size)
    throw new Error(`${where}: truncated (${bytes.length} of ${count * size} bytes)`);
  for (let i = 0; i < count; i++) {
    if (size === 4) data[i] = view.getFloat32(i * 4, true);
    else if (size === 8) data[i] = view.getFloat64(i * 8, true);
    else if (size === 2) data[i] = halfToFloat(view.getUint16(i * 2, true));
    else data[i] = bytes[i]! / 255;
  }
  return { shape, dtype: descr, data };
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
