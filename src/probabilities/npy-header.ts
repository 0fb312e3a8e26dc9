import { UserError } from '../errors.js';
import type { ByteReader } from '../volume/byte-reader.js';

// The parts of a .npy header the probability reader needs, and a decoder for its values.
export interface NpyArray {
  shape: number[];
  // As numpy writes it: '<f4', '<f2', '<f8', '|u1' (uint8 probabilities are value / 255).
  dtype: string;
  bytesPerValue: number;
  decode(bytes: Uint8Array, count: number): Float32Array;
}

// Reads a .npy header (format 1.0-3.0) from the reader; little-endian float16/32/64, C order.
export async function parseNpyHeader(reader: ByteReader, path: string): Promise<NpyArray> {
  const fail = (problem: string) =>
    new UserError(`${path}: probabilities.npy ${problem}`, {
      hint: 'expected a C-ordered little-endian float16/32/64 or uint8 array',
    });
  const prefix = new Uint8Array(10);
  if (
    (await reader.fill(prefix)) !== 10 ||
    prefix[0] !== 0x93 ||
    String.fromCharCode(...prefix.subarray(1, 6)) !== 'NUMPY'
  ) {
    throw fail('is not a .npy array (bad magic)');
  }
  const view = new DataView(prefix.buffer);
  const major = prefix[6] ?? 1;
  let headerLength = view.getUint16(8, true);
  if (major >= 2) {
    const extra = new Uint8Array(2);
    await reader.fill(extra);
    headerLength = view.getUint16(8, true) + (extra[0] ?? 0) * 65536 + (extra[1] ?? 0) * 16777216;
  }
  const text = new TextDecoder().decode(await readBytes(reader, headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(text)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(text)?.[1];
  if (!descr || !fortran || shapeText === undefined)
    throw fail(`has an unreadable header: ${text.trim()}`);
  if (fortran === 'True') throw fail('is Fortran-ordered');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const decoders: Record<string, NpyArray['decode']> = {
    '<f4': (b, n) => new Float32Array(b.slice().buffer, 0, n),
    '<f8': (b, n) => Float32Array.from(new Float64Array(b.slice().buffer, 0, n)),
    '<f2': (b, n) => decodeFloat16(b, n),
    '|u1': (b, n) => Float32Array.from(b.subarray(0, n), (v) => v / 255),
    '<u1': (b, n) => Float32Array.from(b.subarray(0, n), (v) => v / 255),
  };
  const decode = decoders[descr];
  if (!decode) throw fail(`has dtype ${descr}; expected <f2, <f4, <f8 or |u1`);
  return { shape, dtype: descr, bytesPerValue: Number(descr.slice(2)), decode };
}

async function readBytes(reader: ByteReader, n: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(n);
  await reader.fill(bytes);
  return bytes;
}

// IEEE half precision to float32.
function decodeFloat16(bytes: Uint8Array, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const h = (bytes[2 * i] ?? 0) | ((bytes[2 * i + 1] ?? 0) << 8);
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    if (exponent === 0) out[i] = sign * 2 ** -14 * (fraction / 1024);
    else if (exponent === 31) out[i] = fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
    else out[i] = sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
  }
  return out;
}
