import { inRound, jobKeys } from '../../db/job-keys.js';
import { CASE_LEVEL_ORGAN } from '../../db/schema.js';
import { listScores } from '../../db/scores.js';
import { recordSelection } from '../../db/selections.js';
import type { PredictOutput } from '../jobs/engine-jobs.js';
import { predictedFiles } from '../pool-inputs.js';
import { type Selected, selectHighest, selectLowest } from '../select.js';
import type { PlanScope, TrainingCase, TuneTarget } from './plan-scope.js';
import { type Done, type Step, actionStep } from './steps.js';

// A selection from the recorded case scores (AL: the lowest N of what is not yet revised;
// SSL: the highest K), recorded in the database. Its value is every case picked so far, this
// round's picks last.
export function selectStep(
  scope: PlanScope,
  t: TuneTarget,
  after: readonly Step<unknown>[],
  scored: { seed: number; budget: number },
  previous?: Step<Selected[]>,
): Step<Selected[]> {
  const { s, experimentId } = scope;
  const key = inRound(jobKeys.select(t.method, t.seed, t.budget), t.round);
  return actionStep(key, previous ? [...after, previous] : after, (get, db) => {
    const before = previous ? get(previous) : [];
    const taken = new Set(before.map((p) => p.caseId));
    const caseScores = listScores(db, experimentId, {
      method: t.method,
      seed: scored.seed,
      round: t.round,
      budget: scored.budget,
      organ: CASE_LEVEL_ORGAN,
    })
      .filter((r) => !taken.has(r.caseId))
      .map((r) => ({ caseId: r.caseId, score: r.value }));
    const pick = s.kind === 'al' ? selectLowest : selectHighest;
    const picked = pick(caseScores, t.budget, t.seed);
    const { method, seed, budget, round } = t;
    recordSelection(db, { experimentId, method, seed, budget, round }, picked);
    return [...before, ...picked];
  });
}

// The cases a fine-tune adds to the labeled set: AL the revised (ground-truth) labels; SSL the
// kept pseudo labels of M0's pool prediction.
export function revisedCases(
  scope: PlanScope,
  picked: readonly Selected[],
  pool: Done<PredictOutput>,
): TrainingCase[] {
  const byId = new Map(scope.data.pool.map((c) => [c.id, c]));
  return picked.map(({ caseId }) => {
    const c = byId.get(caseId);
    if (!c) throw new Error(`bug: selected case ${caseId} is not in the pool`);
    const label =
      scope.s.kind === 'al' ? c.label : predictedFiles(pool.dir, pool.output, caseId).mask;
    return { id: c.id, image: c.image, label };
  });
}
