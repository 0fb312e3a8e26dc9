import { existsSync, statSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { ClassMap } from '../volume/class-map.js';

// Where one case's labels are: a TotalSegmentator folder of per-organ masks, or a label map
// with its class map.
export type LabelSource =
  | { kind: 'segmentations'; dir: string }
  | { kind: 'labelmap'; path: string; classes: ClassMap };

// One case for `sentinel score`: its CT, the labels to score, and optionally the reference.
export interface ScoreInputCase {
  id: string;
  image: string;
  labels: LabelSource;
  truth?: LabelSource;
}

export interface ScoreInputArgs {
  dataset?: string;
  image?: string;
  labels?: string;
  segmentations?: string;
  classes?: string;
  truth?: string;
}

// The case id of a single --image: its file name without the NIfTI extension (and nnU-Net's
// _0000), or, for TotalSegmentator's generic name ct.nii.gz, its folder's name.
function pairCaseId(image: string): string {
  const stem = basename(image).replace(/(_0000)?\.nii(\.gz)?$/, '');
  const folder = basename(dirname(resolve(image)));
  return stem === 'ct' && folder !== '' ? folder : stem;
}

// Finds the cases the user asked to score: a dataset folder (TotalSegmentator layout
// DIR/<case>/ct.nii.gz + segmentations/, or nnU-Net/MSD with dataset.json, labelsTr/<id>.nii.gz
// and imagesTr/<id>_0000.nii.gz or, as the Decathlon names it, imagesTr/<id>.nii.gz), or one pair.
export async function discoverScoreInputs(args: ScoreInputArgs): Promise<ScoreInputCase[]> {
  if (args.dataset) {
    if (args.image || args.labels || args.segmentations) {
      throw new UserError(
        'give either a dataset folder or --image with --labels/--segmentations, not both',
      );
    }
    return discoverDataset(args.dataset, args.truth);
  }
  if (!args.image) {
    throw new UserError('nothing to score', {
      hint: 'sentinel score DATASET_DIR, or sentinel score --image ct.nii.gz --segmentations DIR (or --labels F --classes F)',
    });
  }
  requireExisting(args.image, 'the --image file');
  if (Boolean(args.labels) === Boolean(args.segmentations)) {
    throw new UserError('with --image, give exactly one of --labels FILE or --segmentations DIR');
  }
  const labels = args.segmentations
    ? segmentationsSource(args.segmentations)
    : {
        kind: 'labelmap' as const,
        path: requireExisting(args.labels!, 'the --labels file'),
        classes: await readClassMap(args.classes, args.labels!),
      };
  const id = pairCaseId(args.image);
  const truth = args.truth ? pairTruth(args.truth, labels) : undefined;
  return [{ id, image: args.image, labels, ...(truth ? { truth } : {}) }];
}

function pairTruth(path: string, labels: LabelSource): LabelSource {
  requireExisting(path, 'the --truth path');
  if (statSync(path).isDirectory()) {
    if (labels.kind === 'labelmap') {
      throw new UserError(`--truth ${path} is a folder, but --labels is a label map`, {
        hint: 'give the reference as a label map file with the same class map',
      });
    }
    return segmentationsSource(path);
  }
  if (labels.kind !== 'labelmap') {
    throw new UserError(`--truth ${path} is a file, but the labels are a segmentations folder`, {
      hint: 'give the reference as a folder of per-organ masks too',
    });
  }
  return { kind: 'labelmap', path, classes: labels.classes };
}

async function discoverDataset(dir: string, truthRoot?: string): Promise<ScoreInputCase[]> {
  requireExisting(dir, 'the dataset folder');
  if (existsSync(join(dir, 'dataset.json'))) return discoverMsd(dir, truthRoot);
  const entries = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const cases = entries.filter(
    (name) =>
      existsSync(join(dir, name, 'ct.nii.gz')) && existsSync(join(dir, name, 'segmentations')),
  );
  if (cases.length === 0) {
    throw new UserError(`${dir} holds no cases`, {
      hint: 'expected DIR/<case>/ct.nii.gz with DIR/<case>/segmentations/<organ>.nii.gz, or an nnU-Net dataset.json',
    });
  }
  return cases.map((id) => {
    const truthDir = truthRoot ? join(truthRoot, id, 'segmentations') : undefined;
    if (truthDir) requireExisting(truthDir, `the reference of case ${id}`);
    return {
      id,
      image: join(dir, id, 'ct.nii.gz'),
      labels: { kind: 'segmentations' as const, dir: join(dir, id, 'segmentations') },
      ...(truthDir ? { truth: { kind: 'segmentations' as const, dir: truthDir } } : {}),
    };
  });
}

async function discoverMsd(dir: string, truthRoot?: string): Promise<ScoreInputCase[]> {
  const classes = await readClassMap(join(dir, 'dataset.json'), dir);
  const ending = '.nii.gz';
  const found: ScoreInputCase[] = [];
  for (const part of ['Tr', 'Ts']) {
    const labelsDir = join(dir, `labels${part}`);
    if (!existsSync(labelsDir)) continue;
    const names = (await readdir(labelsDir)).filter(
      (n) => n.endsWith(ending) && !n.startsWith('.'),
    );
    for (const name of names.sort()) {
      const id = name.slice(0, -ending.length);
      // nnU-Net names the CT channel <id>_0000; the Decathlon (MSD) names the image as its label.
      const image = [`${id}_0000${ending}`, name]
        .map((n) => join(dir, `images${part}`, n))
        .find((p) => existsSync(p));
      if (!image) continue;
      const truthPath = truthRoot ? join(truthRoot, `labels${part}`, name) : undefined;
      if (truthPath) requireExisting(truthPath, `the reference of case ${id}`);
      found.push({
        id,
        image,
        labels: { kind: 'labelmap', path: join(labelsDir, name), classes },
        ...(truthPath ? { truth: { kind: 'labelmap' as const, path: truthPath, classes } } : {}),
      });
    }
  }
  if (found.length === 0) {
    throw new UserError(
      `${dir}/dataset.json found, but no imagesTr/<id>_0000.nii.gz (or <id>.nii.gz) with labelsTr/<id>.nii.gz`,
      {
        hint: 'check the nnU-Net folder layout',
      },
    );
  }
  return found;
}

function segmentationsSource(dir: string): LabelSource {
  requireExisting(dir, 'the segmentations folder');
  return { kind: 'segmentations', dir };
}

// A class map from a JSON file: {"1": "liver", ...} (TotalSegmentator's labels json) or an
// nnU-Net dataset.json ({"labels": {"liver": 1, ...}}).
export async function readClassMap(path: string | undefined, forFile: string): Promise<ClassMap> {
  if (!path) {
    throw new UserError(`the label map ${forFile} needs its class map`, {
      hint: 'pass --classes FILE: a JSON {"1": "liver", ...} or an nnU-Net dataset.json',
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(requireExisting(path, 'the class map'), 'utf8'));
  } catch (error) {
    if ((error as Error).name === 'UserError') throw error;
    throw new UserError(`${path}: invalid JSON (${(error as Error).message})`);
  }
  const labels = (raw as { labels?: unknown }).labels ?? raw;
  if (typeof labels !== 'object' || labels === null)
    throw new UserError(`${path}: not a class map`);
  const map: ClassMap = {};
  for (const [key, value] of Object.entries(labels)) {
    const [label, name] = typeof value === 'number' ? [String(value), key] : [key, String(value)];
    if (/^[1-9][0-9]*$/.test(label)) map[label] = name;
  }
  if (Object.keys(map).length === 0)
    throw new UserError(`${path}: no labels above 0 in the class map`);
  return map;
}

function requireExisting(path: string, what: string): string {
  if (!existsSync(path))
    throw new UserError(`${what} ${path} does not exist`, { hint: 'check the path' });
  return path;
}
