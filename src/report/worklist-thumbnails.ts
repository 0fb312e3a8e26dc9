import { existsSync } from 'node:fs';
import { isUserError } from '../errors.js';
import { drawThumbnail } from './draw-thumbnail.js';
import type { RunData } from './load-run.js';
import { findPseudoLabels, organLabelValue } from './pseudo-labels.js';
import { labelAreaPerSlice, readSlices } from './read-slices.js';
import type { WorklistEntry } from './worklist.js';

// A worklist entry's picture: the slice drawn and the PNG, or why there is none.
export type Thumbnail =
  | { ok: true; organ: string; slice: number; png: Buffer }
  | { ok: false; note: string };

// Draws the thumbnail of each entry: the pool case's CT at the slice where its worst organ's
// score is worst (the organ's largest slice in the pseudo label when the scorer did not record
// one), with the pseudo label's outline and, where the run knows it, the ground truth's. Reads
// files only; a missing or unreadable file, or a case without organ scores, gives a note.
export async function drawWorklistThumbnails(
  run: RunData,
  entries: readonly WorklistEntry[],
): Promise<Thumbnail[]> {
  const out: Thumbnail[] = [];
  for (const entry of entries) out.push(await thumbnailOf(run, entry));
  return out;
}

async function thumbnailOf(run: RunData, entry: WorklistEntry): Promise<Thumbnail> {
  const organ = entry.organs[0];
  if (organ === undefined) return { ok: false, note: 'no organ scores to pick the organ shown' };
  const image = run.cases.find((c) => c.caseId === entry.caseId)?.imagePath;
  const labels = findPseudoLabels(run, entry.seed);
  const mask = labels?.masks.get(entry.caseId);
  const value = organLabelValue(labels?.classes ?? null, organ.organ);
  if (image === undefined || !existsSync(image))
    return { ok: false, note: `CT of ${entry.caseId} not found` };
  if (labels === undefined) return { ok: false, note: 'the pool predict job is not done' };
  if (mask === undefined || !existsSync(mask))
    return { ok: false, note: `pseudo label of ${entry.caseId} not found` };
  if (value === undefined) return { ok: false, note: `no label value for ${organ.organ}` };
  try {
    const z = organ.worstSlice ?? argmax(await labelAreaPerSlice(mask, value));
    const ct = await readSlices(image, [z]);
    const seg = await readSlices(mask, [z]);
    const truth = await readTruth(run, entry.caseId, z);
    const [nx = 1, ny = 1] = ct.header.dims;
    const ctSlice = ct.slices.get(z);
    const segSlice = seg.slices.get(z);
    if (ctSlice === undefined || segSlice === undefined || segSlice.length !== ctSlice.length) {
      return { ok: false, note: `slice ${z} is outside the CT or the pseudo label` };
    }
    const png = drawThumbnail({
      nx,
      ny,
      ct: ctSlice,
      labels: segSlice,
      truth: truth?.length === segSlice.length ? truth : undefined,
      value,
      spacing: ct.header.spacing,
      affine: ct.header.affine,
    });
    return { ok: true, organ: organ.organ, slice: z, png };
  } catch (error) {
    if (isUserError(error)) return { ok: false, note: error.message };
    throw error;
  }
}

// The case's ground truth at slice z where the run knows it (the demo's pool, a pool with
// labels); undefined when it has none or it cannot be read (the picture goes without it).
async function readTruth(run: RunData, caseId: string, z: number) {
  const path = run.cases.find((c) => c.caseId === caseId)?.labelPath;
  if (!path || !existsSync(path)) return undefined;
  try {
    return (await readSlices(path, [z])).slices.get(z);
  } catch (error) {
    if (isUserError(error)) return undefined;
    throw error;
  }
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] ?? 0) > (values[best] ?? 0)) best = i;
  return best;
}
