import { join } from 'node:path';
import { z } from 'zod';
import { CASE_GROUPS } from './case-groups.js';

// Where each file of a demo dataset lives (nnU-Net v2 / MSD layout): labeled and pool cases
// in imagesTr/labelsTr (the pool's labels are the hidden ground truth), test cases in
// imagesTs/labelsTs, dataset.json beside them, and split.json written last of all.
export const SPLIT_FILE = 'split.json';
export const DATASET_FILE = 'dataset.json';

// The name of case `index`: phantom_0000, phantom_0001, ... (more digits past 9999).
export function phantomCaseId(index: number): string {
  return `phantom_${String(index).padStart(4, '0')}`;
}

// The image and label paths of one case, relative to the dataset folder.
export function phantomCaseFiles(
  id: string,
  part: 'training' | 'test',
): { image: string; label: string } {
  const [images, labels] =
    part === 'training' ? ['imagesTr', 'labelsTr'] : ['imagesTs', 'labelsTs'];
  return { image: join(images, `${id}_0000.nii.gz`), label: join(labels, `${id}.nii.gz`) };
}

// split.json: which cases are labeled, pool and test, what made them, and how hard each was
// drawn to be (0..1, for reports and sanity checks; engines never see it).
export const DemoSplit = z.object({
  generator: z.string().startsWith('sentinel-phantom/'),
  seed: z.number().int().nonnegative(),
  size: z.tuple([
    z.number().int().positive(),
    z.number().int().positive(),
    z.number().int().positive(),
  ]),
  spacing: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
  labeled: z.array(z.string()),
  pool: z.array(z.string()),
  test: z.array(z.string()),
  mix: z
    .object({
      labeled: z.partialRecord(z.enum(CASE_GROUPS), z.number()),
      pool: z.partialRecord(z.enum(CASE_GROUPS), z.number()),
      test: z.partialRecord(z.enum(CASE_GROUPS), z.number()),
    })
    .optional(),
  difficulty: z.record(z.string(), z.number()),
  group: z.record(z.string(), z.enum(CASE_GROUPS)).optional(),
});
export type DemoSplit = z.infer<typeof DemoSplit>;

// The part of dataset.json that loading reads back.
export const DemoDatasetJson = z.object({
  labels: z.record(z.string(), z.number().int().min(0).max(255)),
  file_ending: z.literal('.nii.gz'),
});
