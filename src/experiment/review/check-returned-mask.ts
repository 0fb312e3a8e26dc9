import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { failureText, readFailureOf } from '../../errors.js';
import type { ClassMap } from '../../volume/class-map.js';
import { readLabelMap } from '../../volume/read-label-map.js';
import { readNiftiHeader } from '../../volume/read-nifti.js';
import { gridDifference } from '../../volume/same-grid.js';

// What a returned mask is: fit to import (its sha256 and how many voxels the annotator changed
// from the pseudo label), or what is wrong with it, in words an annotator can act on.
export type MaskCheck =
  | { ok: true; sha256: string; changedVoxels: number }
  | { ok: false; problem: string };

// Checks a corrected mask: a readable label map, on its image's voxel grid, with no label
// outside the class map. Compares it with the pseudo label it was made from.
export async function checkReturnedMask(
  path: string,
  against: { image: string; pseudoLabel: string; classes: ClassMap },
): Promise<MaskCheck> {
  let mask: Awaited<ReturnType<typeof readLabelMap>>;
  try {
    mask = await readLabelMap(path);
  } catch (error) {
    const failure = readFailureOf(error);
    if (!failure) throw error;
    return { ok: false, problem: failureText(failure).replace(`${path}: `, '') };
  }
  const grid = gridDifference(mask, await readNiftiHeader(against.image));
  if (grid !== undefined || (mask.dims[3] ?? 1) > 1) {
    return {
      ok: false,
      problem: `not on its image's voxel grid (${grid ?? `a 4D volume, ${mask.dims.join(' x ')}`}); save the mask on the grid of ${against.image} (open it over that image and save the segmentation)`,
    };
  }
  const unknown = unknownLabels(mask.data, against.classes);
  if (unknown.length > 0) {
    const known = Object.entries(against.classes).map(([l, organ]) => `${l} ${organ}`);
    return {
      ok: false,
      problem: `holds label(s) not in the class map: ${unknown.map(([l, n]) => `${l} (${n} voxels)`).join(', ')}; the labels are 0 background, ${known.join(', ')}`,
    };
  }
  const pseudo = await readLabelMap(against.pseudoLabel);
  let changedVoxels = 0;
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i] !== pseudo.data[i]) changedVoxels++;
  return { ok: true, sha256: await sha256Of(path), changedVoxels };
}

// The labels a mask holds that the class map does not know, with their voxel counts.
function unknownLabels(data: Uint8Array | Uint16Array, classes: ClassMap): [number, number][] {
  const counts = new Map<number, number>();
  for (const v of data)
    if (v !== 0 && classes[String(v)] === undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => a[0] - b[0]);
}

// The sha256 of a file's bytes, hex.
export async function sha256Of(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}
