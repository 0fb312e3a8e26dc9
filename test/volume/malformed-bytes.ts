import { gzipSync } from 'node:zlib';
import { nifti1HeaderBytes } from '../../src/volume/nifti1-header-bytes.js';
import type { DataTypeName } from '../../src/volume/types.js';
import { OBLIQUE } from './make-volume.js';

// A valid single-file NIfTI-1 (header + zeroed voxels) to be broken by a test.
export function validNifti1(dims = [4, 5, 3], datatype: DataTypeName = 'int16'): Buffer {
  const header = nifti1HeaderBytes({ dims, datatype, affine: OBLIQUE, sclSlope: 1, sclInter: 0 });
  const bytesPerVoxel = {
    uint8: 1,
    int8: 1,
    uint16: 2,
    int16: 2,
    uint32: 4,
    int32: 4,
    float32: 4,
    float64: 8,
  }[datatype];
  const data = Buffer.alloc(dims.reduce((a, b) => a * b, 1) * bytesPerVoxel);
  return Buffer.concat([header, data]);
}

// The same with one header field changed (offsets from the NIfTI-1 spec).
export function nifti1With(edit: (b: Buffer) => void, dims?: number[]): Buffer {
  const b = validNifti1(dims);
  edit(b);
  return b;
}

// A NIfTI-2 header of 540 bytes (+4 extension bytes) and zeroed int16 voxels for dims.
export function validNifti2(dims = [4, 5, 3]): Buffer {
  const b = Buffer.alloc(544 + dims.reduce((a, x) => a * x, 1) * 2);
  b.writeInt32LE(540, 0);
  Buffer.from('n+2\0\r\n\x1a\n', 'latin1').copy(b, 4);
  b.writeInt16LE(4, 12); // datatype int16
  b.writeInt16LE(16, 14);
  b.writeBigInt64LE(BigInt(dims.length), 16);
  dims.forEach((d, i) => b.writeBigInt64LE(BigInt(d), 24 + i * 8));
  for (let i = 0; i < 8; i++) b.writeDoubleLE(1, 104 + i * 8);
  b.writeBigInt64LE(544n, 168);
  return b;
}

// Bytes that a gzip reader accepts as a stream start, then garbage.
export function corruptGzip(): Buffer {
  const good = gzipSync(validNifti1());
  const bad = Buffer.from(good);
  for (let i = 12; i < bad.length - 8; i++) bad[i] = (i * 37) & 0xff;
  return bad;
}

export { gzipSync };
