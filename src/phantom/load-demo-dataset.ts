import { access, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { ClassMap } from '../volume/class-map.js';
import { type CaseGroup, TYPICAL_GROUP } from './case-groups.js';
import {
  DATASET_FILE,
  DemoDatasetJson,
  DemoSplit,
  SPLIT_FILE,
  phantomCaseFiles,
} from './demo-dataset-layout.js';

// One case of a demo dataset: its id, absolute image and label paths, its group, and how hard
// it was drawn to be (0 easy .. 1 hard).
export interface DemoCase {
  id: string;
  image: string;
  label: string;
  group: CaseGroup;
  difficulty: number;
}

// A finished demo dataset as the rest of the program uses it: absolute paths, the split, and
// the class map in the engine contract's shape ({"1": "liver", ...}).
export interface DemoDataset {
  dir: string;
  generator: string;
  seed: number;
  size: [number, number, number];
  spacing: [number, number, number];
  classes: ClassMap;
  labeled: DemoCase[];
  pool: DemoCase[];
  test: DemoCase[];
}

// Loads the demo dataset in `dir`; a missing, unfinished or damaged one is a UserError.
export async function loadDemoDataset(dir: string): Promise<DemoDataset> {
  const root = resolve(dir);
  const hint = `make it with: sentinel demo-data --out ${root}`;
  const split = DemoSplit.safeParse(await readJson(join(root, SPLIT_FILE), root, hint));
  if (!split.success) {
    throw new UserError(
      `${join(root, SPLIT_FILE)} is not a demo dataset split: ${split.error.issues[0]?.message ?? 'invalid'}`,
      { hint },
    );
  }
  const meta = DemoDatasetJson.safeParse(await readJson(join(root, DATASET_FILE), root, hint));
  if (!meta.success) {
    throw new UserError(
      `${join(root, DATASET_FILE)} is not an nnU-Net dataset.json: ${meta.error.issues[0]?.message ?? 'invalid'}`,
      { hint },
    );
  }
  const classes: ClassMap = Object.fromEntries(
    Object.entries(meta.data.labels)
      .filter(([, value]) => value !== 0)
      .map(([name, value]) => [String(value), name]),
  );
  const s = split.data;
  const toCase =
    (part: 'training' | 'test') =>
    (id: string): DemoCase => {
      const files = phantomCaseFiles(id, part);
      return {
        id,
        image: join(root, files.image),
        label: join(root, files.label),
        group: s.group?.[id] ?? TYPICAL_GROUP,
        difficulty: s.difficulty[id] ?? Number.NaN,
      };
    };
  const dataset: DemoDataset = {
    dir: root,
    generator: s.generator,
    seed: s.seed,
    size: s.size,
    spacing: s.spacing,
    classes,
    labeled: s.labeled.map(toCase('training')),
    pool: s.pool.map(toCase('training')),
    test: s.test.map(toCase('test')),
  };
  for (const c of [...dataset.labeled, ...dataset.pool, ...dataset.test]) {
    for (const path of [c.image, c.label]) {
      await access(path).catch(() => {
        throw new UserError(`demo dataset ${root} is incomplete: ${path} is missing`, {
          hint: `delete the folder and ${hint}`,
        });
      });
    }
  }
  return dataset;
}

async function readJson(path: string, root: string, hint: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UserError(`no finished demo dataset in ${root} (${path} is missing)`, { hint });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UserError(`${path} is not valid JSON (${(error as Error).message})`, {
      hint: `delete the folder and ${hint}`,
    });
  }
}
