import { UserError } from '../errors.js';

// What `sentinel demo-data` and the demo config ask for: where, how many cases of each kind,
// the seed, and the grid size in voxels (x, y, z).
export interface DemoDatasetOptions {
  out: string;
  labeled: number;
  pool: number;
  test: number;
  seed: number;
  size: [number, number, number];
}

// The defaults: the embedded demo's 20 labeled, 100 pool and 20 test cases on a 64x64x40 grid.
export const DEMO_DATASET_DEFAULTS = {
  labeled: 20,
  pool: 100,
  test: 20,
  seed: 0,
  size: [64, 64, 40],
} as const;

const MIN_GRID = 32;
const MAX_GRID = 512;
const MAX_VOXELS = 32 * 1024 * 1024;
const MAX_CASES = 100_000;

// Parses a grid size written "NxNxN" (e.g. "128x128x80").
export function parseGridSize(text: string): [number, number, number] {
  const match = /^\s*(\d+)\s*x\s*(\d+)\s*x\s*(\d+)\s*$/i.exec(text);
  if (!match) {
    throw new UserError(`--size "${text}" is not a grid size`, {
      hint: 'write it as NxNxN voxels (x, y, z), e.g. --size 64x64x40',
    });
  }
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

// Parses a whole number given on the command line (digits only).
export function parseCount(flag: string, text: string): number {
  if (!/^\s*\d+\s*$/.test(text)) {
    throw new UserError(`--${flag} "${text}" is not a whole number`, {
      hint: `give --${flag} as digits, e.g. --${flag} ${flag === 'seed' ? 0 : 20}`,
    });
  }
  return Number(text);
}

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
