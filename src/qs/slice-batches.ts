import { type ReadFailure, failureText, readFailureOf } from '../errors.js';
import type { Volume } from '../volume/types.js';
import type { QsBundle } from './bundle.js';
import { type OrganMask, SliceWorkspace, writeSliceInput } from './preprocess.js';
import { type SliceBox, findMaskSlices, selectSlices, sliceBox } from './slice-boxes.js';

// Turns cases (a CT + its organ masks) into batches of preprocessed slices, across organ and
// case boundaries, holding one case's volumes at a time. Each batch slot records the organ it
// belongs to, so scores can be summed back per organ.

// One organ of a case: a ready mask, or a loader called when the organ's turn comes (so
// per-organ mask files are read one at a time). `boxes` may be given when already known
// (a label map scanned once for all labels).
export interface QsOrganSource {
  name: string;
  mask: OrganMask | (() => Promise<OrganMask>);
  boxes?: SliceBox[];
}

// One case to score: its CT volume (HU) and its organs.
export interface QsCaseSource {
  caseId: string;
  image: Volume;
  organs: QsOrganSource[];
  // Set when the CT holds NaN or infinite voxels ("FILE: N voxel(s) are NaN or infinite"): its
  // organs are not scored but marked invalid, since such an input gives no meaningful score.
  invalidImage?: string;
}

// The running sums of one organ; filled as its slices' outputs come back.
export interface OrganTally {
  caseId: string;
  organ: string;
  // The bundle class it was scored as, or null when it has none.
  label: number | null;
  slices: number;
  pending: number;
  sum: number;
  // The lowest slice output so far and its slice index k (for worklist thumbnails).
  worst: number;
  worstSlice: number | null;
  warning?: string;
  reason?: NoScoreReason;
}

// Why an organ has no score: no class for its name in the bundle, no mask voxels, a mask file
// that could not be read (its warning says why), or a CT with NaN or infinite voxels.
export type NoScoreReason = 'no-class' | 'empty-mask' | 'unreadable' | 'invalid-input';

// A case whose files could not be read (a UserError: missing, truncated, not NIfTI, ...): it
// is reported, not scored, and the cases after it are scored as usual.
export interface UnreadableCase {
  caseId: string;
  unreadable: ReadFailure;
}

// One case's organs in input order; complete once every batch holding its slices has run.
// An unreadable case has no organs.
export interface CaseTally {
  caseId: string;
  organs: OrganTally[];
  unreadable?: ReadFailure;
}

// A batch of `count` slices: images [count, 2, S, S], embeddings [count, E], owner per slot.
export interface SliceBatch {
  images: Float32Array;
  embeddings: Float32Array;
  count: number;
  owners: OrganTally[];
  // The slice index k of each slot.
  sliceIndices: number[];
}

// Either a full (or final) batch, or the marker that every slice of a case is in some batch.
export type BatchEvent = { kind: 'batch'; batch: SliceBatch } | { kind: 'case'; tally: CaseTally };

// Options of the batch builder.
export interface BatchOptions {
  batchSize?: number;
  // Reuse two buffers in turn (the consumer must be done with a batch before taking the
  // batch after next); false gives every batch its own arrays.
  reuseBuffers?: boolean;
  // The preprocessing workspace, to keep between calls (default: a new one).
  workspace?: SliceWorkspace;
}

// Yields batches of preprocessed slices and case markers, in input order.
export async function* buildSliceBatches(
  bundle: QsBundle,
  cases: AsyncIterable<QsCaseSource | UnreadableCase> | Iterable<QsCaseSource | UnreadableCase>,
  options: BatchOptions = {},
): AsyncGenerator<BatchEvent> {
  const batchSize = Math.max(1, options.batchSize ?? 32);
  const size = bundle.params.inputSize;
  const embeddingSize = bundle.manifest.embeddingSize;
  const reuse = options.reuseBuffers ?? true;
  const workspace = options.workspace ?? new SliceWorkspace();
  const pool: { images: Float32Array; embeddings: Float32Array }[] = [];
  let turn = 0;
  const fresh = () => {
    if (!reuse)
      return {
        images: new Float32Array(batchSize * 2 * size * size),
        embeddings: new Float32Array(batchSize * embeddingSize),
      };
    const index = turn++ % 2;
    let buffers = pool[index];
    if (buffers === undefined) {
      buffers = {
        images: new Float32Array(batchSize * 2 * size * size),
        embeddings: new Float32Array(batchSize * embeddingSize),
      };
      pool[index] = buffers;
    }
    return buffers;
  };
  let current = { ...fresh(), count: 0, owners: [] as OrganTally[], sliceIndices: [] as number[] };

  for await (const source of cases) {
    if ('unreadable' in source) {
      yield { kind: 'case', tally: { ...source, organs: [] } };
      continue;
    }
    const { image, caseId } = source;
    const tally: CaseTally = { caseId, organs: [] };
    for (const organ of source.organs) {
      const organTally: OrganTally = {
        caseId,
        organ: organ.name,
        label: null,
        slices: 0,
        pending: 0,
        sum: 0,
        worst: Number.POSITIVE_INFINITY,
        worstSlice: null,
      };
      tally.organs.push(organTally);
      const cls = bundle.resolveOrgan(organ.name);
      if (cls === undefined) {
        organTally.warning = `no embedding for organ "${organ.name}" in QS bundle ${bundle.manifest.name}`;
        organTally.reason = 'no-class';
        continue;
      }
      organTally.label = cls.label;
      if (source.invalidImage !== undefined) {
        organTally.warning = source.invalidImage;
        organTally.reason = 'invalid-input';
        continue;
      }
      let mask: OrganMask;
      try {
        mask = typeof organ.mask === 'function' ? await organ.mask() : organ.mask;
      } catch (error) {
        const failure = readFailureOf(error);
        if (failure === undefined) throw error;
        organTally.warning = failureText(failure);
        organTally.reason = 'unreadable';
        continue;
      }
      if (mask.data.length < image.data.length) {
        throw new RangeError(`QS: the mask of ${organ.name} (${caseId}) is smaller than its image`);
      }
      const picked = pickSlices(organ, mask, image.dims, bundle.params.slicesPerOrgan, workspace);
      if (picked.length === 0) {
        organTally.warning = `no mask voxels for organ "${organ.name}" in case ${caseId}`;
        organTally.reason = 'empty-mask';
        continue;
      }
      organTally.slices = picked.length;
      organTally.pending = picked.length;
      for (const box of picked) {
        const slot = current.count;
        writeSliceInput(
          image.data,
          mask,
          image.dims,
          box,
          bundle.params,
          workspace,
          current.images,
          slot * 2 * size * size,
        );
        current.embeddings.set(cls.embedding, slot * embeddingSize);
        current.owners.push(organTally);
        current.sliceIndices.push(box.k);
        current.count++;
        if (current.count === batchSize) {
          yield { kind: 'batch', batch: current };
          current = { ...fresh(), count: 0, owners: [], sliceIndices: [] };
        }
      }
    }
    yield { kind: 'case', tally };
  }
  if (current.count > 0) yield { kind: 'batch', batch: current };
}

// The organ's picked slices with their boxes: from its known boxes, or the mask's slices picked
// first and only those boxed (a uint8 mask's in WebAssembly).
function pickSlices(
  organ: QsOrganSource,
  mask: OrganMask,
  dims: readonly number[],
  count: number,
  workspace: SliceWorkspace,
): SliceBox[] {
  if (organ.boxes !== undefined) return selectSlices(organ.boxes, count);
  const { data, label } = mask;
  const [nx = 1, ny = 1] = dims;
  return selectSlices(findMaskSlices(data, dims, label), count).map((k) =>
    label === undefined && data instanceof Uint8Array
      ? (workspace.kernels.byteBox(data, k, nx, ny) as SliceBox)
      : (sliceBox(data, dims, k, label) as SliceBox),
  );
}
