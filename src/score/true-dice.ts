import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type ReadFailure, isUserError, readFailureOf } from '../errors.js';
import { diceBinary, dicePerLabel } from '../metrics/dice.js';
import { listSegmentationFiles } from '../qs/case-sources.js';
import { readLabelMap, readNifti } from '../volume/index.js';
import { assertSameGrid } from '../volume/same-grid.js';
import type { LabelSource } from './score-inputs.js';

// The true Dice of every organ of `labels` against the reference `truth` (NaN where the organ is
// absent from both; an organ the reference lacks counts as absent there). Per-organ masks that
// cannot be read give NaN: the reference's are listed in `unreadable` (the scored mask's are
// reported by the scorer). A label map that cannot be read throws its UserError.
export async function trueDicePerOrgan(
  labels: LabelSource,
  truth: LabelSource,
): Promise<{ dice: Map<string, number>; unreadable: { organ: string; failure: ReadFailure }[] }> {
  const result = new Map<string, number>();
  const unreadable: { organ: string; failure: ReadFailure }[] = [];
  if (labels.kind === 'labelmap' && truth.kind === 'labelmap') {
    const [a, b] = await Promise.all([readLabelMap(labels.path), readLabelMap(truth.path)]);
    assertSameGrid(a, b, [labels.path, truth.path]);
    const dice = dicePerLabel(a.data, b.data, Object.keys(labels.classes).map(Number));
    for (const [label, organ] of Object.entries(labels.classes))
      result.set(organ, dice.get(Number(label)) ?? Number.NaN);
    return { dice: result, unreadable };
  }
  if (labels.kind === 'segmentations' && truth.kind === 'segmentations') {
    for (const { organ, file } of await listSegmentationFiles(labels.dir)) {
      const reference = [join(truth.dir, `${organ}.nii.gz`), join(truth.dir, `${organ}.nii`)].find(
        (p) => existsSync(p),
      );
      result.set(organ, Number.NaN);
      const a = await readNifti(file).catch(userErrorToUndefined);
      if (a === undefined) continue;
      if (!reference) {
        result.set(organ, a.data.some((v) => v > 0) ? 0 : Number.NaN);
        continue;
      }
      try {
        const b = await readNifti(reference);
        assertSameGrid(a, b, [file, reference]);
        result.set(organ, diceBinary(binary(a.data), binary(b.data)));
      } catch (error) {
        const failure = readFailureOf(error);
        if (failure === undefined) throw error;
        unreadable.push({ organ, failure });
      }
    }
    return { dice: result, unreadable };
  }
  throw new Error('labels and truth of different layouts reached trueDicePerOrgan');
}

function userErrorToUndefined(error: unknown): undefined {
  if (!isUserError(error)) throw error;
  return undefined;
}

function binary(data: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = (data[i] ?? 0) > 0 ? 1 : 0;
  return out;
}
