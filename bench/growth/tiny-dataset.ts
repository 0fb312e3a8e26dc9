import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Volume, writeNifti } from '../../src/volume/index.js';

const DIMS: [number, number, number] = [16, 16, 8];
const AFFINE: Volume['affine'] = [
  [1, 0, 0, 0],
  [0, 1, 0, 0],
  [0, 0, 2, 0],
  [0, 0, 0, 1],
];

// A tiny nnU-Net-layout dataset for the growth bench: `pool` cases (plus 3 labeled, 2 test) of
// 16x16x8 voxels, one organ (a box whose size varies with the case) in .nii.gz files.
// Returns the paths of dataset.json and the split file.
export async function writeTinyDataset(
  dir: string,
  pool: number,
): Promise<{ dataset: string; split: string }> {
  await mkdir(join(dir, 'imagesTr'), { recursive: true });
  await mkdir(join(dir, 'labelsTr'), { recursive: true });
  const ids = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(5, '0')}`);
  const split = { labeled: ids('lab', 3), pool: ids('pool', pool), test: ids('test', 2) };
  const all = [...split.labeled, ...split.pool, ...split.test];
  for (const [i, id] of all.entries()) {
    const { image, label } = tinyCase(2 + (i % 5));
    await writeNifti(join(dir, 'imagesTr', `${id}_0000.nii.gz`), image);
    await writeNifti(join(dir, 'labelsTr', `${id}.nii.gz`), label);
  }
  const dataset = join(dir, 'dataset.json');
  await writeFile(
    dataset,
    JSON.stringify({ labels: { background: 0, liver: 1 }, file_ending: '.nii.gz' }),
  );
  const splitPath = join(dir, 'split.json');
  await writeFile(splitPath, JSON.stringify(split));
  return { dataset, split: splitPath };
}

function tinyCase(half: number): { image: Volume; label: Volume } {
  const [nx, ny, nz] = DIMS;
  const image = new Float32Array(nx * ny * nz);
  const label = new Uint8Array(nx * ny * nz);
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const i = x + nx * (y + ny * z);
        const inside = Math.abs(x - 8) < half && Math.abs(y - 8) < half && z > 1 && z < 6;
        label[i] = inside ? 1 : 0;
        image[i] = inside ? 60 : -100;
      }
  const common = { dims: DIMS, spacing: [1, 1, 2] as [number, number, number], affine: AFFINE };
  return {
    image: { ...common, datatype: 'float32', data: image, sclSlope: 1, sclInter: 0 },
    label: { ...common, datatype: 'uint8', data: label, sclSlope: 1, sclInter: 0 },
  };
}
