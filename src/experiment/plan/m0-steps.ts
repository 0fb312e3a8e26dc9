import { jobKeys, m0Tag } from '../../db/job-keys.js';
import { BASELINE_BUDGET, BASELINE_METHOD, CONTROL_METHOD } from '../../db/schema.js';
import { type PredictOutput, type TrainOutput, predictJob, trainJob } from '../jobs/engine-jobs.js';
import { evaluateJob } from '../jobs/node-jobs.js';
import { type PlanScope, checkpointOf, testEvaluation, tuneAndEvaluate } from './plan-scope.js';
import { POOL_PASSES, passesOf } from './pool-passes.js';
import { type Done, type Step, jobStep } from './steps.js';

// One M0 and what every method builds on: its pseudo labels of the pool and the extra passes
// the methods need (by key).
export interface M0Base {
  m0: string;
  // The seed M0's own jobs run with, and the seed they record (null: shared by all seeds).
  seed0: number;
  recordedSeed: number | null;
  // The experiment's seeds that use this M0.
  seeds: number[];
  train: Step<Done<TrainOutput>>;
  pool: Step<Done<PredictOutput>>;
  passes: Map<string, Step<Done<PredictOutput>>>;
}

// The M0 tags of the experiment: one shared M0, or one per seed with repeatM0.
export function m0Tags(scope: PlanScope): string[] {
  const { s } = scope;
  return [...new Set(s.seeds.map((seed) => m0Tag(s.training.repeatM0, seed)))];
}

// M0's chain: train on the labeled set, predict the pool (pseudo labels) and the test set
// (the baseline row, evaluated), the extra pool passes the methods declare, and the control
// (the same fine-tune on the labeled set alone) per seed.
export function m0Steps(scope: PlanScope, m0: string): { base: M0Base; steps: Step<unknown>[] } {
  const { s, data } = scope;
  const seed0 = m0 === 'm0' ? 0 : Number(m0.split('=')[1]);
  const recordedSeed = m0 === 'm0' ? null : seed0;
  const seeds = s.seeds.filter((x) => m0Tag(s.training.repeatM0, x) === m0);
  const train = trainStep(scope, m0, seed0, recordedSeed);
  const from = { train, seed: seed0, recorded: recordedSeed };
  const pool = predictStep(scope, from, {
    key: jobKeys.predictPool(m0),
    method: 'pseudo-labels',
    cases: data.pool,
  });
  const tested = predictStep(scope, from, {
    key: jobKeys.predictTestM0(m0),
    method: BASELINE_METHOD,
    cases: data.test,
  });
  const baseline = baselineStep(scope, m0, seed0, tested);
  const passes = passSteps(scope, { m0, seeds, ...from });
  const steps: Step<unknown>[] = [train, pool, tested, baseline, ...passes.values()];
  if (!s.exportWorklist) {
    for (const seed of seeds) {
      const target = { method: CONTROL_METHOD, seed, budget: BASELINE_BUDGET, round: 1 };
      steps.push(...tuneAndEvaluate(scope, target, train, [], () => []).steps);
    }
  }
  return { base: { m0, seed0, recordedSeed, seeds, train, pool, passes }, steps };
}

// M0 itself: trained from the pretrained weights (or from scratch) on the labeled set.
function trainStep(scope: PlanScope, m0: string, seed: number, recorded: number | null) {
  const { s, data } = scope;
  const key = jobKeys.trainM0(m0);
  return jobStep(key, 'engine', [], () =>
    trainJob(
      s.engine,
      { key, kind: 'train', method: BASELINE_METHOD, seed: recorded, budget: null },
      {
        init: s.training.pretrained,
        cases: data.labeled,
        classes: data.classes,
        seed,
        params: s.training.m0Params,
      },
    ),
  );
}

// A prediction by M0. It belongs to no budget; its seed is recorded only when it is repeated
// per seed (the report counts seedless jobs once for all repeats).
function predictStep(
  scope: PlanScope,
  from: { train: Step<Done<TrainOutput>>; seed: number; recorded: number | null },
  what: {
    key: string;
    method: string;
    cases: { id: string; image: string }[];
    save?: { probabilities: boolean; mcSamples: number };
  },
): Step<Done<PredictOutput>> {
  const { s, data } = scope;
  const { key, method, cases } = what;
  const save = what.save ?? { probabilities: false, mcSamples: 0 };
  return jobStep(key, 'engine', [from.train], (get) =>
    predictJob(
      s.engine,
      { key, kind: 'predict', method, seed: from.recorded, budget: null },
      {
        checkpoint: checkpointOf(get(from.train)),
        cases,
        classes: data.classes,
        seed: from.seed,
        ...save,
      },
    ),
  );
}

// M0's test-set evaluation: the baseline row (budget 0).
function baselineStep(
  scope: PlanScope,
  m0: string,
  seed: number,
  tested: Step<Done<PredictOutput>>,
) {
  const key = jobKeys.evaluateBaseline(m0);
  return jobStep(key, 'node', [tested], (get) =>
    evaluateJob(
      scope.experimentId,
      { key, kind: 'evaluate', method: BASELINE_METHOD, seed, budget: 0 },
      testEvaluation(scope, get(tested)),
    ),
  );
}

// The extra passes over the pool the methods declare, by key: once per M0, or once per seed
// for a stochastic pass. Each is recorded under the first method that needs it (its QE cost).
function passSteps(
  scope: PlanScope,
  m0: {
    m0: string;
    seeds: number[];
    train: Step<Done<TrainOutput>>;
    seed: number;
    recorded: number | null;
  },
): Map<string, Step<Done<PredictOutput>>> {
  const { s, data } = scope;
  const passes = new Map<string, Step<Done<PredictOutput>>>();
  for (const pass of POOL_PASSES) {
    const method = s.strategies.find((r) => passesOf(r.strategy).includes(pass))?.strategy.name;
    if (method === undefined) continue;
    for (const seed of pass.perSeed ? m0.seeds : [m0.seed]) {
      const key = pass.key(m0.m0, seed);
      const from = { train: m0.train, seed, recorded: pass.perSeed ? seed : m0.recorded };
      passes.set(
        key,
        predictStep(scope, from, { key, method, cases: data.pool, save: pass.save(s) }),
      );
    }
  }
  return passes;
}
