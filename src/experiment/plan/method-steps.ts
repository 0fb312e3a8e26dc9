import type { ResolvedStrategy } from '../../../strategies/registry.js';
import { jobKeys } from '../../db/job-keys.js';
import { scoreJob } from '../jobs/node-jobs.js';
import { poolCases } from '../pool-inputs.js';
import type { M0Base } from './m0-steps.js';
import { type PlanScope, scoreRequest, tuneAndEvaluate } from './plan-scope.js';
import { passesOf, scoredPerSeed } from './pool-passes.js';
import { laterRounds } from './round-steps.js';
import { revisedCases, selectStep } from './select-step.js';
import { type Done, type Step, jobStep } from './steps.js';

// A method's chain on one M0: its scores of the pool (once, or per seed when they change with
// the seed), then per seed and budget the selection, the fine-tune and its evaluation, and the
// later rounds when there are several.
export function methodSteps(
  scope: PlanScope,
  base: M0Base,
  method: ResolvedStrategy,
): Step<unknown>[] {
  const perSeed = scoredPerSeed(method.strategy);
  const shared = perSeed ? undefined : scoreStep(scope, base, method, null);
  const steps: Step<unknown>[] = shared ? [shared] : [];
  for (const seed of base.seeds) {
    const scored = shared ?? scoreStep(scope, base, method, seed);
    if (!shared) steps.push(scored);
    for (const budget of scope.s.budgets) {
      const target = { method: method.strategy.name, seed, budget, round: 1 };
      const scoreSeed = perSeed ? seed : base.seed0;
      const select = selectStep(scope, target, [scored], { seed: scoreSeed, budget: 0 });
      steps.push(select);
      if (scope.s.exportWorklist) continue;
      const tuned = tuneAndEvaluate(scope, target, base.train, [select, base.pool], (get) =>
        revisedCases(scope, get(select), get(base.pool)),
      );
      steps.push(...tuned.steps);
      steps.push(...laterRounds(scope, base, method, target, { select, finetune: tuned.finetune }));
    }
  }
  return steps;
}

// Round 1's scores: the method over M0's pseudo labels and the passes it declares.
function scoreStep(
  scope: PlanScope,
  base: M0Base,
  method: ResolvedStrategy,
  seed: number | null,
): Step<Done<unknown>> {
  const { s, data, experimentId } = scope;
  const { name, needs } = method.strategy;
  const key = jobKeys.score(name, base.m0, seed);
  const passes = passesOf(method.strategy).map((p) => {
    const step = base.passes.get(p.key(base.m0, seed ?? base.seed0));
    if (!step) throw new Error(`bug: no pool pass ${p.key(base.m0, seed ?? base.seed0)}`);
    return step;
  });
  return jobStep(key, 'node', [base.pool, ...passes], (get) =>
    scoreJob(
      experimentId,
      { key, kind: 'score', method: name, seed: seed ?? base.recordedSeed, budget: null },
      {
        ...scoreRequest(scope, method, seed ?? base.seed0),
        cases: poolCases(data.pool, get(base.pool), passes.map(get), needs),
      },
    ),
  );
}
