import { crc32 } from 'node:zlib';

// gzip's CRC-32 (zlib.crc32, same value) over data that is mostly zeros, such as per-organ
// masks: all-zero blocks are found with a native compare and stepped over with the CRC's
// linear map for a block of zeros; other blocks go to zlib.crc32. On a 512 x 512 x 300 mask
// (bench:mask-decoding) the CRC was about 80% of the read.

const BLOCK = 16 * 1024;
const ZEROS = Buffer.alloc(BLOCK);

// crc32(BLOCK zeros, value) is affine in value: table[k][b] ^ ... ^ base, by bytes of value.
let zeroBlock: { tables: Uint32Array[]; base: number } | undefined;

function zeroBlockMap() {
  if (zeroBlock !== undefined) return zeroBlock;
  const base = crc32(ZEROS, 0);
  // The linear part on each of the 32 bits, then every byte value of each byte position.
  const bit = Array.from({ length: 32 }, (_, i) => (crc32(ZEROS, 2 ** i) ^ base) >>> 0);
  const tables = [0, 1, 2, 3].map((k) => {
    const table = new Uint32Array(256);
    for (let b = 1; b < 256; b++) {
      const low = b & -b; // lowest set bit
      table[b] = ((table[b ^ low] as number) ^ (bit[8 * k + Math.log2(low)] as number)) >>> 0;
    }
    return table;
  });
  zeroBlock = { tables, base };
  return zeroBlock;
}

// zlib.crc32(bytes, value), faster where bytes holds 16 kB runs of zeros.
export function crc32SkippingZeros(bytes: Uint8Array, value = 0): number {
  let crc = value >>> 0;
  let at = 0;
  for (; at + BLOCK <= bytes.length; at += BLOCK) {
    const block = bytes.subarray(at, at + BLOCK);
    if (Buffer.compare(block, ZEROS) !== 0) crc = crc32(block, crc);
    else {
      const { tables, base } = zeroBlockMap();
      const [t0, t1, t2, t3] = tables as [Uint32Array, Uint32Array, Uint32Array, Uint32Array];
      crc =
        ((t0[crc & 255] as number) ^
          (t1[(crc >>> 8) & 255] as number) ^
          (t2[(crc >>> 16) & 255] as number) ^
          (t3[crc >>> 24] as number) ^
          base) >>>
        0;
    }
  }
  return at < bytes.length ? crc32(bytes.subarray(at), crc) : crc;
}
