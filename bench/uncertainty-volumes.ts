// Synthetic inputs for bench:uncertainty: a pseudo label (9 ellipsoid organs on background) and
// NIfTI 4D float32 probability maps (x, y, z, class) that put a smoothly varying confidence on
// the label's class. The same geometry at any grid size, so two sizes differ only in voxels.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Affine } from '../src/volume/types.js';
import { writeNifti } from '../src/volume/write-nifti.js';

// Classes in the maps, background included, and the organ names of labels 1..9.
export const CLASS_COUNT = 10;
export const CLASSES: Record<string, string> = {
  '1': 'liver',
  '2': 'spleen',
  '3': 'kidney_left',
  '4': 'kidney_right',
  '5': 'stomach',
  '6': 'pancreas',
  '7': 'aorta',
  '8': 'gallbladder',
  '9': 'duodenum',
};

// Ellipsoids in grid-relative coordinates: centre and radii, each in 0..1.
const ORGANS: [number, number, number, number, number, number][] = [
  [0.35, 0.45, 0.55, 0.2, 0.16, 0.22],
  [0.7, 0.4, 0.6, 0.1, 0.1, 0.14],
  [0.62, 0.65, 0.45, 0.07, 0.06, 0.15],
  [0.38, 0.65, 0.45, 0.07, 0.06, 0.15],
  [0.6, 0.35, 0.65, 0.12, 0.08, 0.12],
  [0.5, 0.55, 0.5, 0.12, 0.04, 0.06],
  [0.5, 0.62, 0.5, 0.03, 0.03, 0.45],
  [0.42, 0.5, 0.45, 0.04, 0.04, 0.06],
  [0.48, 0.5, 0.4, 0.08, 0.04, 0.05],
];

// The files of one bench size: the label map, the softmax map (entropy), the T MC samples.
export interface UncertaintyFiles {
  dims: [number, number, number];
  mask: string;
  softmax: string;
  mcSamples: string[];
}

// The files for `dims` under dir, generated when missing (kept between runs: the bench caches).
export async function ensureUncertaintyFiles(
  dir: string,
  dims: [number, number, number],
  samples: number,
): Promise<UncertaintyFiles> {
  const tag = dims.join('x');
  const files: UncertaintyFiles = {
    dims,
    mask: join(dir, `mask-${tag}.nii.gz`),
    softmax: join(dir, `softmax-${tag}-c${CLASS_COUNT}.nii.gz`),
    mcSamples: Array.from({ length: samples }, (_, s) =>
      join(dir, `mc${s}-${tag}-c${CLASS_COUNT}.nii.gz`),
    ),
  };
  const all = [files.mask, files.softmax, ...files.mcSamples];
  if (all.every((f) => existsSync(f))) return files;
  mkdirSync(dir, { recursive: true });
  console.log(`generating ${tag} inputs in ${dir} ...`);
  const labels = makeLabels(dims);
  const header = headerOf(dims);
  await writeNifti(files.mask, { ...header, dims, datatype: 'uint8', data: labels });
  const maps = [files.softmax, ...files.mcSamples];
  for (const [i, path] of maps.entries()) {
    const data = makeProbabilities(dims, labels, i === 0 ? 0 : 0.08, 1000 + i);
    await writeNifti(path, { ...header, dims: [...dims, CLASS_COUNT], datatype: 'float32', data });
  }
  return files;
}

function headerOf(dims: [number, number, number]) {
  const spacing: [number, number, number] = [256 / dims[0], 256 / dims[1], 192 / dims[2]];
  const affine: Affine = [
    [spacing[0], 0, 0, 0],
    [0, spacing[1], 0, 0],
    [0, 0, spacing[2], 0],
    [0, 0, 0, 1],
  ];
  return { spacing, affine, sclSlope: 1, sclInter: 0 };
}

function makeLabels([nx, ny, nz]: [number, number, number]): Uint8Array {
  const labels = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const x = (i + 0.5) / nx;
        const y = (j + 0.5) / ny;
        const z = (k + 0.5) / nz;
        let label = 0;
        ORGANS.forEach(([cx, cy, cz, rx, ry, rz], o) => {
          if (((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 + ((z - cz) / rz) ** 2 < 1) label = o + 1;
        });
        labels[i + nx * (j + ny * k)] = label;
      }
    }
  }
  return labels;
}

// Probabilities (class outer, x fastest) with confidence 0.5..0.95 on the label's class,
// varying smoothly in space, plus per-map jitter (MC samples differ); the rest spread at random.
function makeProbabilities(
  [nx, ny, nz]: [number, number, number],
  labels: Uint8Array,
  jitter: number,
  seed: number,
): Float32Array {
  const n = nx * ny * nz;
  const p = new Float32Array(n * CLASS_COUNT);
  const weights = new Float64Array(CLASS_COUNT);
  let s = seed >>> 0;
  const rand = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const v = i + nx * (j + ny * k);
        const wave = Math.sin(2 * Math.PI * ((3 * i) / nx + (2 * j) / ny + (1.5 * k) / nz));
        const confidence = Math.min(0.99, 0.725 + 0.225 * wave + jitter * (rand() - 0.5));
        const label = labels[v]!;
        let sum = 0;
        for (let c = 0; c < CLASS_COUNT; c++) {
          weights[c] = c === label ? 0 : 0.5 + rand();
          sum += weights[c]!;
        }
        for (let c = 0; c < CLASS_COUNT; c++) {
          p[c * n + v] = c === label ? confidence : ((1 - confidence) * weights[c]!) / sum;
        }
      }
    }
  }
  return p;
}
