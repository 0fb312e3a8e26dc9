import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { type VoxelBuffer, countNonFinite, readLabelMap, readNifti } from '../volume/index.js';
import type { Volume } from '../volume/types.js';
import type { OrganMask } from './preprocess.js';
import type { QsCaseSource, QsOrganSource } from './slice-batches.js';
import { findLabelSliceBoxes } from './slice-boxes.js';

// The two input layouts QS scores: a CT with a folder of per-organ masks (TotalSegmentator),
// or a CT with a label map and its class map. Masks of a folder are read one at a time, when
// their organ's turn comes.

const NIFTI_SUFFIXES = ['.nii.gz', '.nii'];

// ORGAN for ORGAN.nii.gz / ORGAN.nii, undefined for other files.
export function organNameOfFile(fileName: string): string | undefined {
  const suffix = NIFTI_SUFFIXES.find((s) => fileName.endsWith(s) && fileName.length > s.length);
  return suffix === undefined ? undefined : fileName.slice(0, -suffix.length);
}

function checkSameDims(image: Volume, mask: Volume, imagePath: string, maskPath: string): void {
  const a = image.dims.slice(0, 3).join(' x ');
  const b = mask.dims.slice(0, 3).join(' x ');
  if (a !== b) {
    throw new UserError(`${maskPath} (${b}) is not on the grid of ${imagePath} (${a})`, {
      hint: 'Masks must have the voxel dims of their CT image.',
    });
  }
}

// The organs of a TotalSegmentator-style folder: one mask per NIfTI file (voxel > 0), sorted
// by file name; `only` keeps a subset of organ names.
export async function listSegmentationFiles(
  dir: string,
  only?: ReadonlySet<string>,
): Promise<{ organ: string; file: string }[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (cause) {
    throw new UserError(`cannot read the segmentations folder ${dir}`, {
      hint: 'Give a folder of per-organ masks ORGAN.nii.gz (TotalSegmentator layout).',
      cause,
    });
  }
  const organs: { organ: string; file: string }[] = [];
  for (const name of names.sort()) {
    const organ = organNameOfFile(name);
    if (organ !== undefined && (only === undefined || only.has(organ)))
      organs.push({ organ, file: path.join(dir, name) });
  }
  return organs;
}

// Memory for the volumes of cases read one after the other (buildSliceBatches is done with a
// case before it takes the next): a case read through it is valid until the next one is.
export interface CaseBuffers {
  image: VoxelBuffer;
  labels: VoxelBuffer;
}

// Which organs to keep, and memory to read into (default: the case's own).
export interface CaseOptions {
  organs?: ReadonlySet<string>;
  buffers?: CaseBuffers;
}

// A case from a CT and a folder of per-organ masks (mask > 0). The masks are read one after the
// other into the same memory (buildSliceBatches is done with a mask before it loads the next):
// a loaded mask is valid until the next organ's is loaded.
export async function caseFromSegmentations(
  caseId: string,
  imagePath: string,
  segmentationsDir: string,
  options: CaseOptions = {},
): Promise<QsCaseSource> {
  const files = await listSegmentationFiles(segmentationsDir, options.organs);
  const image = await readNifti(imagePath, { reuse: options.buffers?.image ?? {} });
  const reuse: VoxelBuffer = options.buffers?.labels ?? {};
  const organs: QsOrganSource[] = files.map(({ organ, file }) => ({
    name: organ,
    mask: async (): Promise<OrganMask> => {
      const mask = await readNifti(file, { reuse });
      checkSameDims(image, mask, imagePath, file);
      return { data: mask.data };
    },
  }));
  return { caseId, image, organs, ...invalidImage(image, imagePath) };
}

// A case from a CT and a label map (mask == label); classMap maps label (decimal string) to
// organ name; organs in label order, label 0 skipped. The label map is scanned once for all
// organs' slice boxes.
export async function caseFromLabelMap(
  caseId: string,
  imagePath: string,
  labelPath: string,
  classMap: Readonly<Record<string, string>>,
  options: CaseOptions = {},
): Promise<QsCaseSource> {
  const image = await readNifti(imagePath, { reuse: options.buffers?.image ?? {} });
  const labels = await readLabelMap(labelPath, { reuse: options.buffers?.labels ?? {} });
  checkSameDims(image, labels, imagePath, labelPath);
  const boxes = findLabelSliceBoxes(labels.data, labels.dims);
  const entries = Object.entries(classMap)
    .map(([key, name]) => [Number(key), name] as const)
    .filter(
      ([label, name]) =>
        Number.isInteger(label) &&
        label > 0 &&
        (options.organs === undefined || options.organs.has(name)),
    )
    .sort((a, b) => a[0] - b[0]);
  const organs: QsOrganSource[] = entries.map(([label, name]) => ({
    name,
    mask: { data: labels.data, label },
    boxes: boxes.get(label) ?? [],
  }));
  return { caseId, image, organs, ...invalidImage(image, imagePath) };
}

// A case to score, by its files: a CT with a folder of per-organ masks, or with a label map and
// its class map; `organs` keeps a subset. Plain data, so it can be handed to a worker thread.
export type QsCaseFiles = { caseId: string; image: string; organs?: readonly string[] } & (
  | { segmentations: string }
  | { labels: string; classes: Readonly<Record<string, string>> }
);

// Opens a case from its files (into `buffers` when given: see CaseBuffers).
export function openCaseFiles(files: QsCaseFiles, buffers?: CaseBuffers): Promise<QsCaseSource> {
  const options: CaseOptions = {
    ...(files.organs === undefined ? {} : { organs: new Set(files.organs) }),
    ...(buffers === undefined ? {} : { buffers }),
  };
  return 'segmentations' in files
    ? caseFromSegmentations(files.caseId, files.image, files.segmentations, options)
    : caseFromLabelMap(files.caseId, files.image, files.labels, files.classes, options);
}

// A CT with NaN or infinite voxels, in a few words (the file and the count); nothing otherwise.
function invalidImage(image: Volume, file: string): { invalidImage?: string } {
  const count = countNonFinite(image.data);
  return count === 0 ? {} : { invalidImage: `${file}: ${count} voxel(s) are NaN or infinite` };
}
