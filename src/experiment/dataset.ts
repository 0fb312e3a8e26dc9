import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { type SplitMixes, demoDatasetKey, makeDemoDataset } from '../phantom/index.js';
import type { ClassMap } from '../volume/class-map.js';

// One case of an experiment: absolute image and reference label paths, and its group where the
// dataset names one.
export interface ExperimentCase {
  id: string;
  image: string;
  label: string;
  group?: string;
}

// The data an experiment runs on: the class map and the three roles.
export interface ExperimentDataset {
  classes: ClassMap;
  labeled: ExperimentCase[];
  pool: ExperimentCase[];
  test: ExperimentCase[];
  // Where it came from, recorded with the experiment.
  source: string;
}

export type DataConfig =
  | {
      demo: {
        labeled: number;
        pool: number;
        test: number;
        seed: number;
        size: [number, number, number];
        mix: SplitMixes;
      };
    }
  | { dataset: string; split: string };

// Finds (or, for the demo, makes and caches) the dataset a config names.
export async function resolveDataset(
  data: DataConfig,
  cacheDir: string,
): Promise<ExperimentDataset> {
  if ('demo' in data) {
    const d = data.demo;
    const dir = join(cacheDir, demoDatasetKey(d));
    const made = await makeDemoDataset({ out: dir, ...d });
    const strip = (c: ExperimentCase) => ({
      id: c.id,
      image: c.image,
      label: c.label,
      group: c.group,
    });
    return {
      classes: made.classes,
      labeled: made.labeled.map(strip),
      pool: made.pool.map(strip),
      test: made.test.map(strip),
      source: `demo phantoms (${dir})`,
    };
  }
  return loadMsdDataset(data.dataset, data.split);
}

const DatasetJson = z.object({
  labels: z.record(z.string(), z.union([z.number().int(), z.string()])),
  file_ending: z.string().default('.nii.gz'),
});
const SplitJson = z.object({
  labeled: z.array(z.string()).min(1),
  pool: z.array(z.string()).min(1),
  test: z.array(z.string()).min(1),
  // Optional: each case's sub-population (scanner, phase, site...), for results per group.
  groups: z.record(z.string(), z.string().min(1)).optional(),
});

// An nnU-Net v2 / MSD dataset: dataset.json (labels name -> value, or MSD's value -> name) and
// a split file; images as imagesTr|imagesTs/<id>_0000<ending>, labels as labelsTr|labelsTs/<id><ending>.
async function loadMsdDataset(datasetPath: string, splitPath: string): Promise<ExperimentDataset> {
  const meta = DatasetJson.safeParse(await readJson(datasetPath));
  if (!meta.success) {
    throw new UserError(
      `${datasetPath}: not an nnU-Net/MSD dataset.json (${meta.error.issues[0]?.message})`,
      {
        hint: 'it needs "labels" ({"background": 0, "liver": 1, ...}) and "file_ending"',
      },
    );
  }
  const split = SplitJson.safeParse(await readJson(splitPath));
  if (!split.success) {
    const issue = split.error.issues[0];
    throw new UserError(
      `${splitPath}: not a split file (${issue?.path.join('.')}: ${issue?.message})`,
      {
        hint: 'write {"labeled": [ids], "pool": [ids], "test": [ids]} (and optionally "groups": {id: name})',
      },
    );
  }
  const classes = classMap(meta.data.labels);
  const root = dirname(resolve(datasetPath));
  const ending = meta.data.file_ending;
  const locate = (id: string): ExperimentCase => {
    for (const part of ['Tr', 'Ts']) {
      const image = join(root, `images${part}`, `${id}_0000${ending}`);
      const label = join(root, `labels${part}`, `${id}${ending}`);
      const group = split.data.groups?.[id];
      if (existsSync(image) && existsSync(label)) return { id, image, label, group };
    }
    throw new UserError(`case ${id} of ${splitPath} has no image and label under ${root}`, {
      hint: `expected imagesTr/${id}_0000${ending} and labelsTr/${id}${ending} (or imagesTs/labelsTs)`,
    });
  };
  const s = split.data;
  const all = [...s.labeled, ...s.pool, ...s.test];
  const seen = new Set<string>();
  const repeated = all.find((id) => seen.size === seen.add(id).size);
  if (repeated) {
    throw new UserError(`${splitPath}: case ${repeated} appears twice`, {
      hint: 'each case belongs to one role',
    });
  }
  return {
    classes,
    labeled: s.labeled.map(locate),
    pool: s.pool.map(locate),
    test: s.test.map(locate),
    source: resolve(datasetPath),
  };
}

function classMap(labels: Record<string, number | string>): ClassMap {
  const entries = Object.entries(labels).map(([key, value]) =>
    typeof value === 'number' ? [String(value), key] : [key, value],
  );
  return Object.fromEntries(entries.filter(([label]) => label !== '0'));
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UserError(`${path}: file not found`, { hint: 'check the data paths in the config' });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UserError(`${path}: invalid JSON (${(error as Error).message})`, {
      hint: 'fix the file',
    });
  }
}
