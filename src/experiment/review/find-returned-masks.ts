import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { UserError } from '../../errors.js';
import { caseOfSegFile, isImageFile } from './review-files.js';

// A NIfTI file found in the folder annotators gave back: the case its name says it is for, or
// none when the name does not say.
export interface ReturnedFile {
  path: string;
  caseId: string | undefined;
}

// Every NIfTI file under `from` (any depth: the review folder's case folders, or a flat folder
// of masks) but the review's images, in path order.
export async function findReturnedMasks(from: string): Promise<ReturnedFile[]> {
  const root = resolve(from);
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new UserError(`--from ${from} is not a folder`, {
      hint: "give the folder the annotators returned (e.g. the run's review/round-1)",
    });
  }
  const names = (await readdir(root, { recursive: true })).sort();
  const found: ReturnedFile[] = [];
  for (const name of names) {
    const file = basename(name);
    if (!/\.nii(\.gz)?$/.test(file) || isImageFile(file) || file.startsWith('.')) continue;
    const path = join(root, name);
    if ((await stat(path)).isFile()) found.push({ path, caseId: caseOfSegFile(file) });
  }
  return found;
}
