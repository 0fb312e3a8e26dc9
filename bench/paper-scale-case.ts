// The synthetic "engine" of bench:paper-scale: one TotalSegmentator-sized case (512 x 512 x
// depth voxels, 104 organs + background = 105 channels) whose softmax probabilities are a pure
// function of (voxel, class, pass), so that the probability files (the file path) and the
// fused maps (computed voxel by voxel, the way an engine predicting slab by slab would) come
// from exactly the same numbers. No network runs: this is the cost of what the quality
// estimation adds to a prediction (making, writing and reading the uncertainty), not inference.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { nifti1HeaderBytes } from '../src/volume/nifti1-header-bytes.js';
import type { Affine } from '../src/volume/types.js';

export const ORGANS = 104;
export const CHANNELS = ORGANS + 1;
export const SLICE = 512;

// The pseudo label: a body ellipse holding a 13 x 8 grid of organ boxes that shifts along z.
export function organAt(x: number, y: number, k: number): number {
  const bx = Math.floor((x - 64) / 29.5);
  const by = Math.floor((y - 128) / 32);
  if (bx < 0 || bx >= 13 || by < 0 || by >= 8) return 0;
  return 1 + ((bx + Math.floor(k / 37)) % 13) + 13 * by;
}

// A hash of (voxel, class, pass) in [0, 1).
function noise(v: number, c: number, pass: number): number {
  let h = Math.imul(v ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(c + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f) ^ Math.imul(pass + 7, 0x165667b1);
  h ^= h >>> 15;
  return (h >>> 0) / 4294967296;
}

// exp(logit) of class c at voxel v. Pass -1 is the plain prediction, 0..T-1 the Monte-Carlo
// passes (more noise: dropout).
export function expLogit(v: number, organ: number, pass: number, c: number): number {
  const spread = pass < 0 ? 1.5 : 2.5;
  return Math.exp((c === organ ? 6 : 0) + spread * noise(v, c, pass));
}

// exp(logit) of every class of voxel v into `out`; returns their sum (in class order).
export function expLogits(v: number, organ: number, pass: number, out: Float64Array): number {
  let z = 0;
  for (let c = 0; c < CHANNELS; c++) {
    const e = expLogit(v, organ, pass, c);
    out[c] = e;
    z += e;
  }
  return z;
}

export function affineOf(): Affine {
  return [
    [0.8, 0, 0, 0],
    [0, 0.8, 0, 0],
    [0, 0, 1.5, 0],
    [0, 0, 0, 1],
  ];
}

// An uncompressed NIfTI-1 written as a stream: header now, voxel slices as they come.
export async function openNiftiStream(
  path: string,
  dims: number[],
  datatype: 'float32' | 'uint8',
): Promise<{ write(data: Float32Array | Uint8Array): Promise<void>; close(): Promise<void> }> {
  const stream: Writable = createWriteStream(path);
  const header = nifti1HeaderBytes({
    dims,
    datatype,
    affine: affineOf(),
    sclSlope: 1,
    sclInter: 0,
  });
  stream.write(header);
  return {
    async write(data) {
      const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      if (!stream.write(Buffer.from(bytes))) await once(stream, 'drain');
    },
    async close() {
      stream.end();
      await once(stream, 'finish');
    },
  };
}
