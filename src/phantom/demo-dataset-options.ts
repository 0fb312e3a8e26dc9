import { createHash } from 'node:crypto';
import { UserError } from '../errors.js';
import { CASE_GROUPS, type CaseGroup } from './case-groups.js';
import { PHANTOM_GENERATOR_VERSION } from './render-case.js';

// The share of each group in a split (fractions; they need not add up to 1).
export type GroupMix = Partial<Record<CaseGroup, number>>;
export interface SplitMixes {
  labeled: GroupMix;
  pool: GroupMix;
  test: GroupMix;
}

// What `sentinel demo-data` and the demo config ask for: where, how many cases of each kind,
// the seed, the grid size in voxels (x, y, z), and the groups each split is drawn from.
export interface DemoDatasetOptions {
  out: string;
  labeled: number;
  pool: number;
  test: number;
  seed: number;
  size: [number, number, number];
  mix?: SplitMixes;
}

// The embedded demo's splits, as a team meets a dataset like TotalSegmentator: its first
// labelled batch is mostly the common portal-venous case; the pool to label next is the full,
// long-tailed mix; the test set is stratified so that every group has a tenth of it (4 cases
// of 40) and the common case the rest.
export const DEMO_MIXES: SplitMixes = {
  labeled: { 'portal-venous': 0.85, arterial: 0.05, 'shifted-fov': 0.05, pathology: 0.05 },
  pool: {
    'portal-venous': 0.7,
    arterial: 0.05,
    'non-contrast': 0.05,
    delayed: 0.05,
    'shifted-fov': 0.05,
    pathology: 0.05,
    'low-dose': 0.05,
  },
  test: {
    'portal-venous': 0.4,
    arterial: 0.1,
    'non-contrast': 0.1,
    delayed: 0.1,
    'shifted-fov': 0.1,
    pathology: 0.1,
    'low-dose': 0.1,
  },
};

// The defaults: the embedded demo's 20 labeled, 100 pool and 40 test cases on a 64x64x40 grid.
export const DEMO_DATASET_DEFAULTS = {
  labeled: 20,
  pool: 100,
  test: 40,
  seed: 0,
  size: [64, 64, 40],
} as const;

const MIN_GRID = 32;
const MAX_GRID = 512;
const MAX_VOXELS = 32 * 1024 * 1024;
const MAX_CASES = 100_000;

// Checks options given in code or on the command line; every problem is a UserError.
export function checkDemoDatasetOptions(options: DemoDatasetOptions): void {
  if (typeof options.out !== 'string' || options.out.trim() === '') {
    throw new UserError('demo-data needs an output folder', { hint: 'give --out DIR' });
  }
  const counts = {
    labeled: [1, 'at least one labeled case to train on'],
    pool: [0, 'zero or more'],
    test: [1, 'at least one test case'],
  } as const;
  for (const [name, [min, what]] of Object.entries(counts)) {
    const value = options[name as keyof typeof counts];
    if (!Number.isSafeInteger(value) || value < min || value > MAX_CASES) {
      throw new UserError(`--${name} ${value} is not a valid number of cases`, {
        hint: `--${name} must be a whole number, ${what} (at most ${MAX_CASES})`,
      });
    }
  }
  if (options.labeled + options.pool + options.test > MAX_CASES) {
    throw new UserError(
      `${options.labeled + options.pool + options.test} cases in all is too many`,
      { hint: `at most ${MAX_CASES} cases together` },
    );
  }
  for (const split of ['labeled', 'pool', 'test'] as const) checkMix(options, split);
  if (!Number.isSafeInteger(options.seed) || options.seed < 0) {
    throw new UserError(`--seed ${options.seed} is not a valid seed`, {
      hint: 'the seed is a whole number, 0 or more',
    });
  }
  const size = options.size;
  if (!Array.isArray(size) || size.length !== 3 || size.some((n) => !Number.isSafeInteger(n))) {
    throw new UserError(`--size ${String(size)} is not a grid size`, {
      hint: 'give three whole numbers of voxels, e.g. --size 64x64x40',
    });
  }
  if (size.some((n) => n < MIN_GRID || n > MAX_GRID)) {
    throw new UserError(
      `--size ${size.join('x')} is outside ${MIN_GRID}..${MAX_GRID} voxels per axis`,
      {
        hint: `the organs need at least ${MIN_GRID} voxels along each axis; e.g. --size 64x64x40 (default) or 128x128x80`,
      },
    );
  }
  if (size[0] * size[1] * size[2] > MAX_VOXELS) {
    throw new UserError(
      `--size ${size.join('x')} is ${size[0] * size[1] * size[2]} voxels per case, too many`,
      {
        hint: `at most ${MAX_VOXELS} voxels per case, e.g. 256x256x256`,
      },
    );
  }
}

// The folder name a demo dataset is cached under: every setting that changes its cases
// (the generator version, seed, counts, grid, and a hash of the mixes).
export function demoDatasetKey(options: Omit<DemoDatasetOptions, 'out'>): string {
  const mixHash = createHash('sha256')
    .update(describeMixes(options.mix ?? DEMO_MIXES))
    .digest('hex')
    .slice(0, 8);
  const version = PHANTOM_GENERATOR_VERSION.split('/')[1];
  const { seed, labeled, pool, test, size } = options;
  return `demo-v${version}-s${seed}-l${labeled}-p${pool}-t${test}-${size.join('x')}-${mixHash}`;
}

// The mixes written as one line, e.g. "labeled portal-venous 0.85 arterial 0.05 | pool ...".
export function describeMixes(mix: SplitMixes): string {
  return (['labeled', 'pool', 'test'] as const)
    .map((split) => {
      const parts = CASE_GROUPS.filter((g) => (mix[split][g] ?? 0) > 0).map(
        (g) => `${g} ${mix[split][g]}`,
      );
      return `${split} ${parts.join(' ')}`;
    })
    .join(' | ');
}

function checkMix(options: DemoDatasetOptions, split: 'labeled' | 'pool' | 'test'): void {
  const mix = (options.mix ?? DEMO_MIXES)[split];
  const fractions = Object.entries(mix);
  const unknown = fractions.find(([g]) => !(CASE_GROUPS as readonly string[]).includes(g));
  if (unknown) {
    throw new UserError(`the ${split} mix names an unknown group "${unknown[0]}"`, {
      hint: `the groups are ${CASE_GROUPS.join(', ')}`,
    });
  }
  const bad = fractions.find(([, f]) => !Number.isFinite(f) || f < 0);
  const total = fractions.reduce((sum, [, f]) => sum + (Number.isFinite(f) && f > 0 ? f : 0), 0);
  if (bad || (options[split] > 0 && total <= 0)) {
    throw new UserError(`the ${split} mix ${JSON.stringify(mix)} is not a mix of groups`, {
      hint: 'give each group a share of 0 or more, at least one of them above 0',
    });
  }
}
