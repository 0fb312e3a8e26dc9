import type { Job } from '../db/jobs.js';
import { BASELINE_METHOD } from '../db/schema.js';

// The measured cost of one run of something (one repeat of a method), from done jobs.
export interface CostFigures {
  jobs: number;
  wallS: number;
  cpuS: number;
  // The largest peak of any one of the jobs (they run one after another or side by side).
  peakRssBytes: number;
  diskBytes: number;
}

// A method's quality-estimation cost (DESIGN.md "Costs"): the jobs it needs beyond the shared
// pseudo labels, i.e. its own pool predict jobs (probabilities, MC-dropout passes) and its score
// jobs. Jobs tied to a budget (fine-tuning, predicting the test set, evaluating) are not part
// of it. Figures are per repeat: jobs without a seed run once for all repeats and count whole;
// jobs with a seed are summed and divided by the number of seeds they ran with.
export function qualityEstimationCost(jobs: readonly Job[], method: string): CostFigures | null {
  const own = jobs.filter(
    (j) =>
      j.status === 'done' &&
      j.method === method &&
      (j.kind === 'predict' || j.kind === 'score') &&
      j.budget === null,
  );
  return perRepeat(own);
}

// A method's fine-tuning cost at one budget, per repeat: its train jobs and the prediction and
// evaluation of the fine-tuned model on the test set (not part of the QE cost); round 1's.
export function fineTuneCost(
  jobs: readonly Job[],
  method: string,
  budget: number,
): CostFigures | null {
  const own = jobs.filter(
    (j) =>
      j.status === 'done' &&
      j.method === method &&
      j.budget === budget &&
      j.round === 1 &&
      (j.kind === 'train' || j.kind === 'predict' || j.kind === 'evaluate'),
  );
  return perRepeat(own);
}

// The method name of the pool predict job that makes the pseudo labels every method scores.
export const PSEUDO_LABELS_METHOD = 'pseudo-labels';

// The shared jobs, per repeat: M0's training and the pool's pseudo labels (and any job that
// belongs to no method).
export function sharedCost(jobs: readonly Job[]): CostFigures | null {
  return perRepeat(
    jobs.filter(
      (j) =>
        j.status === 'done' &&
        (j.method === null ||
          j.method === PSEUDO_LABELS_METHOD ||
          (j.method === BASELINE_METHOD && j.kind === 'train')),
    ),
  );
}

// M0's own cost per repeat: training it, predicting the test set and evaluating it.
export function baselineCost(jobs: readonly Job[]): CostFigures | null {
  return perRepeat(jobs.filter((j) => j.status === 'done' && j.method === BASELINE_METHOD));
}

function perRepeat(jobs: readonly Job[]): CostFigures | null {
  if (jobs.length === 0) return null;
  const once = jobs.filter((j) => j.seed === null);
  const seeded = jobs.filter((j) => j.seed !== null);
  const seeds = new Set(seeded.map((j) => j.seed)).size;
  const sum = (list: readonly Job[], value: (j: Job) => number | null) =>
    list.reduce((total, j) => total + (value(j) ?? 0), 0);
  const figure = (value: (j: Job) => number | null) =>
    sum(once, value) + (seeds > 0 ? sum(seeded, value) / seeds : 0);
  return {
    jobs: jobs.length,
    wallS: figure((j) => j.wallS),
    cpuS: figure((j) => j.cpuS),
    peakRssBytes: Math.max(0, ...jobs.map((j) => j.peakRssBytes ?? 0)),
    diskBytes: figure((j) => j.diskBytes),
  };
}
