import type { Volume } from '../volume/types.js';
import { paintTrunk } from './body.js';
import { type Vec3, createCanvas } from './canvas.js';
import { type CaseGroup, TYPICAL_GROUP } from './case-groups.js';
import { sampleCaseSpec } from './case-spec.js';
import { imageCanvas } from './imaging.js';
import { PHANTOM_ORGANS } from './organs.js';
import { paintOrgans } from './paint-organs.js';
import { createRandom, deriveSeed } from './random.js';

// Bumped whenever a change makes the same seed draw different phantoms.
export const PHANTOM_GENERATOR_VERSION = 'sentinel-phantom/2';

// The fewest voxels an organ may have; a draw with a smaller organ is redrawn.
const MIN_ORGAN_VOXELS = 3;
const MAX_ATTEMPTS = 20;

// One phantom case: the CT image (int16 HU), its label map (uint8, on the same grid), its
// group, how hard it was drawn to be (0..1) and the organ voxel counts, in label order.
export interface PhantomCase {
  image: Volume<Int16Array>;
  label: Volume<Uint8Array>;
  group: CaseGroup;
  difficulty: number;
  organVoxels: number[];
}

// Draws case `index` of the dataset with seed `seed` on a grid of `dims` voxels, from `group`.
// The case depends only on (seed, index, dims, group), never on how many other cases are drawn. Every organ is
// present: a draw that loses one (it happens only on very coarse grids) is redrawn from the
// next derived seed, and failing that is a bug.
export function renderPhantomCase(
  seed: number,
  index: number,
  dims: Vec3,
  group: CaseGroup = TYPICAL_GROUP,
): PhantomCase {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const random = createRandom(deriveSeed(seed, index, attempt));
    const spec = sampleCaseSpec(random, group);
    const canvas = createCanvas(dims, random, spec.deformation);
    const trunk = paintTrunk(canvas, spec, random);
    paintOrgans(canvas, spec, random, trunk);
    const organVoxels = countOrganVoxels(canvas.label);
    if (organVoxels.some((count) => count < MIN_ORGAN_VOXELS)) continue;
    const data = imageCanvas(canvas, spec, random);
    const grid = {
      dims: [...dims],
      spacing: canvas.spacing,
      affine: canvas.affine,
      sclSlope: 1,
      sclInter: 0,
    };
    return {
      image: { ...grid, datatype: 'int16', data },
      label: { ...grid, dims: [...dims], datatype: 'uint8', data: canvas.label },
      group,
      difficulty: spec.difficulty,
      organVoxels,
    };
  }
  throw new Error(
    `phantom case ${index} (seed ${seed}, grid ${dims.join('x')}) lost an organ in ${MAX_ATTEMPTS} draws`,
  );
}

function countOrganVoxels(label: Uint8Array): number[] {
  const counts = new Array<number>(256).fill(0);
  for (let v = 0; v < label.length; v++) counts[label[v] as number]! += 1;
  return PHANTOM_ORGANS.map((o) => counts[o.label] as number);
}
