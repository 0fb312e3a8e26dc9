import { volumeError } from './volume-error.js';

const DEFAULT_MAX_BYTES = 4 * 1024 ** 3;

// The most voxel bytes one read may allocate: the option, else SENTINEL_MAX_VOXEL_BYTES, else 4 GiB.
export function maxVoxelBytes(option?: number): number {
  if (option !== undefined) return option;
  const env = process.env.SENTINEL_MAX_VOXEL_BYTES;
  if (env === undefined || env === '') return DEFAULT_MAX_BYTES;
  const value = Number(env);
  if (!Number.isFinite(value) || value <= 0) {
    throw volumeError(
      'SENTINEL_MAX_VOXEL_BYTES',
      `"${env}" is not a positive number of bytes`,
      'unset it or give e.g. 8589934592 for 8 GiB',
    );
  }
  return value;
}

// Refuses, before anything is allocated, a file whose dims need more bytes than the limit.
export function checkVoxelBytes(
  path: string,
  dims: number[],
  bytesNeeded: number,
  limit: number,
): void {
  if (bytesNeeded <= limit) return;
  throw volumeError(
    path,
    `dims ${dims.join(' x ')} need ${formatBytes(bytesNeeded)} of voxels, more than the limit of ${formatBytes(limit)} (a corrupt header or a decompression bomb?)`,
    'if the file is genuine, raise the limit with SENTINEL_MAX_VOXEL_BYTES=<bytes>',
  );
}

// Bytes as a short human figure ("1.5 GiB").
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}
