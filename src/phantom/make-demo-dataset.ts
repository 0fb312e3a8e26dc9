import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { writeNifti } from '../volume/write-nifti.js';
import { phantomSpacing } from './canvas.js';
import { type CaseGroup, groupCounts } from './case-groups.js';
import {
  DATASET_FILE,
  type DemoSplit,
  SPLIT_FILE,
  phantomCaseFiles,
  phantomCaseId,
} from './demo-dataset-layout.js';
import {
  DEMO_MIXES,
  type DemoDatasetOptions,
  checkDemoDatasetOptions,
  describeMixes,
} from './demo-dataset-options.js';
import { type DemoDataset, loadDemoDataset } from './load-demo-dataset.js';
import { phantomDatasetLabels } from './organs.js';
import { createRandom, deriveSeed } from './random.js';
import { PHANTOM_GENERATOR_VERSION, renderPhantomCase } from './render-case.js';

// Makes a demo dataset of synthetic abdominal CT phantoms in `options.out`: case i is drawn
// from (seed, i) alone, cases 0..labeled-1 are the labeled set, then the pool, then the test
// set. The dataset is built in a temporary sibling folder and renamed into place when
// complete, so an interrupted run never leaves a dataset that looks whole. When `out` already
// holds a dataset made with the same settings it is reused (`reused: true`); any other
// non-empty `out` is a UserError.
export async function makeDemoDataset(
  options: DemoDatasetOptions,
): Promise<DemoDataset & { reused: boolean }> {
  checkDemoDatasetOptions(options);
  const out = resolve(options.out);
  if (await isUsableExisting(out, options))
    return { ...(await loadDemoDataset(out)), reused: true };

  await mkdir(dirname(out), { recursive: true });
  const temp = join(dirname(out), `.${basename(out)}.tmp-${randomBytes(4).toString('hex')}`);
  try {
    await writeDataset(temp, options);
    await rmdir(out).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await rename(temp, out);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    // Another run made the same dataset in the meantime: use it.
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && (await isUsableExisting(out, options))) {
      return { ...(await loadDemoDataset(out)), reused: true };
    }
    throw error;
  }
  return { ...(await loadDemoDataset(out)), reused: false };
}

async function writeDataset(dir: string, options: DemoDatasetOptions): Promise<void> {
  for (const folder of ['imagesTr', 'labelsTr', 'imagesTs', 'labelsTs'])
    await mkdir(join(dir, folder), { recursive: true });
  const total = options.labeled + options.pool + options.test;
  const ids = Array.from({ length: total }, (_, i) => phantomCaseId(i));
  const training = ids.slice(0, options.labeled + options.pool);
  const test = ids.slice(options.labeled + options.pool);
  const groups = assignGroups(options);
  const difficulty: Record<string, number> = {};
  const group: Record<string, CaseGroup> = {};
  // Each case's files are compressed (on libuv's threads) while the next case is drawn.
  let pending: Promise<unknown> = Promise.resolve();
  for (let index = 0; index < total; index++) {
    const id = ids[index] as string;
    const drawn = renderPhantomCase(options.seed, index, options.size, groups[index]);
    difficulty[id] = Math.round(drawn.difficulty * 1e4) / 1e4;
    group[id] = drawn.group;
    await pending;
    const files = phantomCaseFiles(id, index < training.length ? 'training' : 'test');
    pending = Promise.all([
      writeNifti(join(dir, files.image), drawn.image),
      writeNifti(join(dir, files.label), drawn.label),
    ]);
  }
  await pending;

  const dataset = {
    name: 'SentinelPhantoms',
    description: `Synthetic abdominal CT phantoms made by sentinel demo-data (${PHANTOM_GENERATOR_VERSION}, seed ${options.seed}). imagesTr holds the labeled and the pool cases; the pool's labels in labelsTr are the hidden ground truth. split.json says which is which.`,
    tensorImageSize: '3D',
    channel_names: { '0': 'CT' },
    labels: phantomDatasetLabels(),
    numTraining: training.length,
    numTest: test.length,
    file_ending: '.nii.gz',
    training: training.map((id) => {
      const files = phantomCaseFiles(id, 'training');
      return { image: `./${files.image}`, label: `./${files.label}` };
    }),
    test: test.map((id) => `./${phantomCaseFiles(id, 'test').image}`),
  };
  await writeFile(join(dir, DATASET_FILE), `${JSON.stringify(dataset, null, 2)}\n`);
  const split: DemoSplit = {
    generator: PHANTOM_GENERATOR_VERSION,
    seed: options.seed,
    size: options.size,
    spacing: phantomSpacing(options.size),
    labeled: training.slice(0, options.labeled),
    pool: training.slice(options.labeled),
    test,
    mix: options.mix ?? DEMO_MIXES,
    difficulty,
    group,
  };
  // Written last: a folder without split.json is not a finished dataset.
  await writeFile(join(dir, SPLIT_FILE), `${JSON.stringify(split, null, 2)}\n`);
}

// Whether `out` holds a finished dataset made with these very settings (true), is absent or an
// empty folder (false); anything else is a UserError rather than something to overwrite.
async function isUsableExisting(out: string, options: DemoDatasetOptions): Promise<boolean> {
  const info = await stat(out).catch(() => undefined);
  if (!info) return false;
  if (!info.isDirectory()) {
    throw new UserError(`${out} exists and is not a folder`, {
      hint: 'give --out a new or empty folder',
    });
  }
  if ((await readdir(out)).length === 0) return false;
  const text = await readFile(join(out, SPLIT_FILE), 'utf8').catch(() => undefined);
  const made = text === undefined ? undefined : parseSplit(text);
  if (!made) {
    throw new UserError(`${out} already exists, is not empty, and holds no finished demo dataset`, {
      hint: 'give --out a new or empty folder (the demo data is written there and never mixed with other files)',
    });
  }
  const wanted = `${PHANTOM_GENERATOR_VERSION} seed ${options.seed} size ${options.size.join('x')} labeled ${options.labeled} pool ${options.pool} test ${options.test} mix ${describeMixes(options.mix ?? DEMO_MIXES)}`;
  const found = `${made.generator} seed ${made.seed} size ${made.size?.join('x')} labeled ${made.labeled?.length} pool ${made.pool?.length} test ${made.test?.length} mix ${made.mix ? describeMixes(made.mix) : 'none'}`;
  if (wanted !== found) {
    throw new UserError(
      `${out} already holds a demo dataset made with other settings (${found}; asked for ${wanted})`,
      {
        hint: 'give --out another folder, or delete this one to make it again',
      },
    );
  }
  return true;
}

function parseSplit(text: string): Partial<DemoSplit> | undefined {
  try {
    return JSON.parse(text) as Partial<DemoSplit>;
  } catch {
    return undefined;
  }
}

// The group of every case, in case order: each split's group counts (groupCounts of its mix)
// in an order shuffled by the seed, so that neighbouring cases are not all of one group.
function assignGroups(options: DemoDatasetOptions): CaseGroup[] {
  const mix = options.mix ?? DEMO_MIXES;
  return (['labeled', 'pool', 'test'] as const).flatMap((split, s) => {
    const list = [...groupCounts(mix[split], options[split])].flatMap(([g, n]) =>
      Array.from({ length: n }, () => g),
    );
    const random = createRandom(deriveSeed(options.seed, 0x6a09e667, s));
    for (let i = list.length - 1; i > 0; i--) {
      const j = random.int(0, i);
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    return list;
  });
}
