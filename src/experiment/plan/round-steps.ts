import type { ResolvedStrategy } from '../../../strategies/registry.js';
import { inRound, jobKeys } from '../../db/job-keys.js';
import type { TrainOutput } from '../jobs/engine-jobs.js';
import { predictJob } from '../jobs/engine-jobs.js';
import { scoreJob } from '../jobs/node-jobs.js';
import { poolCases } from '../pool-inputs.js';
import type { Selected } from '../select.js';
import type { M0Base } from './m0-steps.js';
import {
  type PlanScope,
  type TuneTarget,
  checkpointOf,
  scoreRequest,
  tuneAndEvaluate,
} from './plan-scope.js';
import { saveFor } from './pool-passes.js';
import { revisedCases, selectStep } from './select-step.js';
import { type Done, type Step, jobStep } from './steps.js';

// Where a round ended: everything selected so far, and the model fine-tuned on it.
interface RoundEnd {
  select: Step<Selected[]>;
  finetune: Step<Done<TrainOutput>>;
}

// Rounds 2..R of one method, seed and budget (AL): the previous round's model predicts what is
// left of the pool (saving what the method needs), the method scores it, the next N lowest are
// revised, and the model is fine-tuned on the labeled set plus everything revised so far.
export function laterRounds(
  scope: PlanScope,
  base: M0Base,
  method: ResolvedStrategy,
  first: TuneTarget,
  end: RoundEnd,
): Step<unknown>[] {
  const steps: Step<unknown>[] = [];
  let previous = end;
  for (let round = 2; round <= scope.s.rounds; round++) {
    const target = { ...first, round };
    const scored = rescoreRest(scope, method, target, previous);
    const select = selectStep(
      scope,
      target,
      [scored.score],
      { seed: target.seed, budget: target.budget },
      previous.select,
    );
    const tuned = tuneAndEvaluate(scope, target, base.train, [select, base.pool], (get) =>
      revisedCases(scope, get(select), get(base.pool)),
    );
    steps.push(scored.predict, scored.score, select, ...tuned.steps);
    previous = { select, finetune: tuned.finetune };
  }
  return steps;
}

// The previous round's model predicts the rest of the pool; the method scores it.
function rescoreRest(scope: PlanScope, method: ResolvedStrategy, t: TuneTarget, prev: RoundEnd) {
  const { s, data, experimentId } = scope;
  const rest = (picked: readonly Selected[]) => {
    const taken = new Set(picked.map((p) => p.caseId));
    return data.pool.filter((c) => !taken.has(c.id));
  };
  const at = { method: t.method, seed: t.seed, budget: t.budget, round: t.round };
  const predictKey = inRound(jobKeys.predictPoolAfter(t.method, t.seed, t.budget), t.round);
  const predict = jobStep(predictKey, 'engine', [prev.finetune, prev.select], (get) =>
    predictJob(
      s.engine,
      { key: predictKey, kind: 'predict', ...at },
      {
        checkpoint: checkpointOf(get(prev.finetune)),
        cases: rest(get(prev.select)),
        classes: data.classes,
        seed: t.seed,
        ...saveFor(method.strategy, s),
      },
    ),
  );
  const scoreKey = inRound(jobKeys.scoreAfter(t.method, t.seed, t.budget), t.round);
  const score = jobStep(scoreKey, 'node', [predict, prev.select], (get) => {
    const predicted = get(predict);
    return scoreJob(
      experimentId,
      { key: scoreKey, kind: 'score', ...at },
      {
        ...scoreRequest(scope, method, t.seed),
        cases: poolCases(rest(get(prev.select)), predicted, [predicted], method.strategy.needs),
      },
    );
  });
  return { predict, score };
}
