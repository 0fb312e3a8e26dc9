import type { ExperimentKind } from '../db/schema.js';
import { THUMBNAIL_WINDOW } from './draw-thumbnail.js';
import { formatNumber } from './format-values.js';
import type { Worklist, WorklistEntry, WorklistOrgan } from './worklist.js';

// The worklist's words, shared by the Markdown and HTML reports so both say the same.

// The section heading: AL revises the picked cases, SSL trusts them.
export function worklistHeading(kind: ExperimentKind): string {
  return kind === 'al'
    ? 'Worklist: the cases sent to revision'
    : 'Worklist: the pseudo labels kept for self-training';
}

// What the list holds and how it is ordered.
export function worklistLegend(worklist: Worklist & { available: true }, kind: ExperimentKind) {
  const size = kind === 'al' ? `budget ${worklist.budget}` : `top K ${worklist.budget}`;
  const by = worklist.rankedBy;
  const order =
    by === null
      ? 'by case'
      : `worst first by ${by} (case score; the case's worst organs by ${by}, with the true Dice where the ground truth is known)`;
  const [lo, hi] = THUMBNAIL_WINDOW;
  return `The cases each method picked at ${size} (seed ${worklist.seed}), one entry per case, ${order}. Picture: the worst organ on the slice where its score is worst (else its largest), CT window ${lo}..${hi} HU, the pseudo label outlined in amber and, where known, the ground truth in cyan.`;
}

// "qs #1, oracle #4": the methods that picked the case and its rank in each.
export function pickedByText(entry: WorklistEntry): string {
  return entry.pickedBy.map((p) => `${p.method} #${p.rank}`).join(', ');
}

// "gallbladder 0.412 (true 0.350)": an organ's score and, where known, its true Dice.
export function organText(organ: WorklistOrgan): string {
  const truth = organ.trueDice === null ? '' : ` (true ${formatNumber(organ.trueDice)})`;
  return `${organ.organ} ${formatNumber(organ.score)}${truth}`;
}
