import type { ReadFailure } from '../errors.js';
import type { QsBundle } from './bundle.js';
import type { QsSession } from './session.js';
import {
  type BatchOptions,
  type CaseTally,
  type NoScoreReason,
  type QsCaseSource,
  type SliceBatch,
  type UnreadableCase,
  buildSliceBatches,
} from './slice-batches.js';

// Quality Sentinel scores of cases: every organ's slices through the network in batches
// shared across organs and cases; organ score = mean of its slice outputs; case score = mean
// over the organs that have a score (QS-INFERENCE.md, step 6).

// One organ's QS result: the predicted Dice, or null (no mask voxels, or no class in the bundle).
export interface QsOrganScore {
  caseId: string;
  organ: string;
  // The bundle class label the organ was scored as; null when the bundle has none for it.
  label: number | null;
  score: number | null;
  slices: number;
  // The slice index k whose output was the lowest (null without a score).
  worstSlice: number | null;
  // Set with the score null: the human-readable warning and its machine-readable reason.
  warning?: string;
  reason?: NoScoreReason;
}

// One case's QS results, organs in input order.
export interface QsCaseScore {
  caseId: string;
  organs: QsOrganScore[];
  // Mean over the organs with a score; null when none has one.
  caseScore: number | null;
  // Set when the case's files could not be read (it then has no organs).
  unreadable?: ReadFailure;
}

function finishCase(tally: CaseTally): QsCaseScore {
  const organs = tally.organs.map((o): QsOrganScore => {
    const score = o.slices > 0 ? o.sum / o.slices : null;
    return {
      caseId: o.caseId,
      organ: o.organ,
      label: o.label,
      score,
      slices: o.slices,
      worstSlice: o.worstSlice,
      ...(o.warning === undefined ? {} : { warning: o.warning }),
      ...(o.reason === undefined ? {} : { reason: o.reason }),
    };
  });
  const scored = organs.filter((o) => o.score !== null);
  const caseScore =
    scored.length > 0 ? scored.reduce((s, o) => s + (o.score as number), 0) / scored.length : null;
  return {
    caseId: tally.caseId,
    organs,
    caseScore,
    ...(tally.unreadable === undefined ? {} : { unreadable: tally.unreadable }),
  };
}

function isComplete(tally: CaseTally): boolean {
  return tally.organs.every((o) => o.pending === 0);
}

// The outputs of one batch, added to its organs' tallies.
function addOutputs(batch: SliceBatch, dice: Float32Array): void {
  batch.owners.forEach((owner, i) => {
    const value = dice[i] as number;
    owner.sum += value;
    owner.pending--;
    if (value < owner.worst) {
      owner.worst = value;
      owner.worstSlice = batch.sliceIndices[i] ?? null;
    }
  });
}

// Scores cases one at a time (one case's volumes in memory, plus the batches being built and
// run), yielding each case's result, in input order, as soon as all its slices have run. A
// batch is handed to the session before the next is built and awaited before the one after is
// handed over, which the builder's two buffers in turn allow. A session that runs off this
// thread overlaps the two; onnxruntime-node 1.23 runs it on this thread (synchronously, in a
// setImmediate), so there it runs when this generator next waits.
export async function* scoreCases(
  bundle: QsBundle,
  session: QsSession,
  cases: AsyncIterable<QsCaseSource | UnreadableCase> | Iterable<QsCaseSource | UnreadableCase>,
  options: BatchOptions = {},
): AsyncGenerator<QsCaseScore> {
  const waiting: CaseTally[] = [];
  let running: { batch: SliceBatch; dice: Promise<Float32Array> } | undefined;
  // Waits for the running batch, if any, and adds its outputs.
  const finishRunning = async () => {
    if (running === undefined) return;
    const { batch, dice } = running;
    running = undefined;
    addOutputs(batch, await dice);
  };
  try {
    for await (const event of buildSliceBatches(bundle, cases, options)) {
      if (event.kind === 'case') waiting.push(event.tally);
      else await finishRunning();
      while (waiting.length > 0 && isComplete(waiting[0] as CaseTally)) {
        yield finishCase(waiting.shift() as CaseTally);
      }
      if (event.kind === 'batch') {
        const { batch } = event;
        const dice = session.run(batch.images, batch.embeddings, batch.count);
        // Handled here so that a failure while the next batch is read is not "unhandled";
        // awaiting `dice` still throws it.
        dice.catch(() => undefined);
        running = { batch, dice };
      }
    }
    await finishRunning();
  } finally {
    // A batch still running when reading the cases failed (or the consumer stopped early):
    // let it finish before its buffers go; its own error is not the one to report.
    await running?.dice.catch(() => undefined);
  }
  for (const tally of waiting) yield finishCase(tally);
}

// Scores all cases and returns their results in input order.
export async function scoreAllCases(
  bundle: QsBundle,
  session: QsSession,
  cases: AsyncIterable<QsCaseSource | UnreadableCase> | Iterable<QsCaseSource | UnreadableCase>,
  options: BatchOptions = {},
): Promise<QsCaseScore[]> {
  const results: QsCaseScore[] = [];
  for await (const result of scoreCases(bundle, session, cases, options)) results.push(result);
  return results;
}
