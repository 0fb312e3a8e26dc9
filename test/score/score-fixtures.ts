import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PHANTOM_ORGANS, renderPhantomCase } from '../../src/phantom/index.js';
import type { Volume } from '../../src/volume/types.js';
import { writeNifti } from '../../src/volume/write-nifti.js';

// Fixtures for the `sentinel score` tests: TotalSegmentator-style folders cut from 32^3
// phantoms, erosion to degrade masks, and a reader for the CSVs the command writes.

export const GRID: [number, number, number] = [32, 32, 32];
export const SEED = 11;

// One binary mask per phantom organ (uint8 0/1 on the case's grid), by organ name.
export function organMasks(label: ArrayLike<number>): Map<string, Uint8Array> {
  const masks = new Map<string, Uint8Array>();
  for (const { label: value, name } of PHANTOM_ORGANS) {
    const mask = new Uint8Array(label.length);
    for (let v = 0; v < label.length; v++) mask[v] = label[v] === value ? 1 : 0;
    masks.set(name, mask);
  }
  return masks;
}

// A 6-neighbour binary erosion (voxels on the grid's border are eroded too).
export function erode(mask: Uint8Array, [nx, ny, nz]: number[]): Uint8Array {
  const out = new Uint8Array(mask.length);
  const at = (i: number, j: number, k: number) =>
    i >= 0 && j >= 0 && k >= 0 && i < nx! && j < ny! && k < nz! ? mask[i + nx! * (j + ny! * k)] : 0;
  for (let k = 0; k < nz!; k++)
    for (let j = 0; j < ny!; j++)
      for (let i = 0; i < nx!; i++) {
        const keep =
          at(i, j, k) &&
          at(i - 1, j, k) &&
          at(i + 1, j, k) &&
          at(i, j - 1, k) &&
          at(i, j + 1, k) &&
          at(i, j, k - 1) &&
          at(i, j, k + 1);
        out[i + nx! * (j + ny! * k)] = keep ? 1 : 0;
      }
  return out;
}

// A mask that is 1 on the cube lo..hi-1 along every axis.
export function boxMask([nx, ny, nz]: number[], lo: number, hi: number): Uint8Array {
  const mask = new Uint8Array(nx! * ny! * nz!);
  for (let k = lo; k < hi; k++)
    for (let j = lo; j < hi; j++) for (let i = lo; i < hi; i++) mask[i + nx! * (j + ny! * k)] = 1;
  return mask;
}

// Writes case `id` (phantom `index`) as DIR/<id>/ct.nii.gz + segmentations/<organ>.nii.gz; the
// masks of `eroded` organs are eroded once, and `extra` masks are written as they are. Also
// writes the undegraded masks under TRUTH/<id>/segmentations when truth is given.
export async function writeTotalSegmentatorCase(options: {
  dir: string;
  id: string;
  index: number;
  eroded?: readonly string[];
  extra?: Record<string, Uint8Array>;
  truth?: string;
}): Promise<{ masks: Map<string, Uint8Array>; grid: Volume }> {
  const phantom = renderPhantomCase(SEED, options.index, GRID);
  const caseDir = join(options.dir, options.id);
  await mkdir(join(caseDir, 'segmentations'), { recursive: true });
  await writeNifti(join(caseDir, 'ct.nii.gz'), phantom.image);
  const masks = organMasks(phantom.label.data);
  const write = (folder: string, organ: string, data: Uint8Array) =>
    writeNifti(join(folder, `${organ}.nii.gz`), { ...phantom.label, data });
  for (const [organ, mask] of masks) {
    const degraded = options.eroded?.includes(organ) ? erode(mask, GRID) : mask;
    await write(join(caseDir, 'segmentations'), organ, degraded);
  }
  for (const [organ, mask] of Object.entries(options.extra ?? {}))
    await write(join(caseDir, 'segmentations'), organ, mask);
  if (options.truth) {
    const truthDir = join(options.truth, options.id, 'segmentations');
    await mkdir(truthDir, { recursive: true });
    for (const [organ, mask] of masks) await write(truthDir, organ, mask);
    for (const [organ, mask] of Object.entries(options.extra ?? {}))
      await write(truthDir, organ, mask);
  }
  return { masks, grid: phantom.label };
}

// A CSV the command wrote, as rows of named fields (the fixtures have no quoted fields).
export async function readCsv(path: string): Promise<Record<string, string>[]> {
  const [header = '', ...lines] = (await readFile(path, 'utf8')).trimEnd().split('\n');
  const names = header.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(names.map((n, i) => [n, cells[i] ?? '']));
  });
}

// Extra arguments for every score run: `--model DIR` while SENTINEL_TEST_QS_MODEL is set (to try
// the tests against another bundle), else none, so the shipped model is used.
export function modelArgs(): string[] {
  const model = process.env.SENTINEL_TEST_QS_MODEL;
  return model ? ['--model', model] : [];
}
