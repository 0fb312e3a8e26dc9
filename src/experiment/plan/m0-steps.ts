import { jobKeys, m0Tag } from '../../db/job-keys.js';
import { BASELINE_BUDGET, CONTROL_METHOD } from '../../db/schema.js';
import { type PredictOutput, type TrainOutput, predictJob, trainJob } from '../jobs/engine-jobs.js';
import { evaluateJob } from '../jobs/node-jobs.js';
import { type PlanScope, checkpointOf, testEvaluation, tuneAndEvaluate } from './plan-scope.js';
import { POOL_PASSES, type PoolPass, passesOf } from './pool-passes.js';
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
  const { s, data, experimentId } = scope;
  const seed0 = m0 === 'm0' ? 0 : Number(m0.split('=')[1]);
  const recordedSeed = m0 === 'm0' ? null : seed0;
  const seeds = s.seeds.filter((x) => m0Tag(s.training.repeatM0, x) === m0);
  const trainKey = jobKeys.trainM0(m0);
  const train = jobStep(trainKey, [], () =>
    trainJob(
      s.engine,
      { key: trainKey, kind: 'train', method: 'baseline', seed: recordedSeed, budget: null },
      {
        init: s.training.pretrained,
        cases: data.labeled,
        classes: data.classes,
        seed: seed0,
        params: s.training.m0Params,
      },
    ),
  );
  // Pool and M0 predictions belong to no budget; their seed is recorded only when they are
  // repeated per seed (the report counts seedless jobs once for all repeats).
  const predict = (
    key: string,
    method: string,
    seed: number,
    recorded: number | null,
    cases: { id: string; image: string }[],
    save: { probabilities: boolean; mcSamples: number },
  ) =>
    jobStep(key, [train], (get) =>
      predictJob(
        s.engine,
        { key, kind: 'predict', method, seed: recorded, budget: null },
        { checkpoint: checkpointOf(get(train)), cases, classes: data.classes, seed, ...save },
      ),
    );
  const none = { probabilities: false, mcSamples: 0 };
  const pool = predict(
    jobKeys.predictPool(m0),
    'pseudo-labels',
    seed0,
    recordedSeed,
    data.pool,
    none,
  );
  const testKey = jobKeys.predictTestM0(m0);
  const tested = predict(testKey, 'baseline', seed0, recordedSeed, data.test, none);
  const baselineKey = jobKeys.evaluateBaseline(m0);
  const baseline = jobStep(baselineKey, [tested], (get) =>
    evaluateJob(
      experimentId,
      { key: baselineKey, kind: 'evaluate', method: 'baseline', seed: seed0, budget: 0 },
      testEvaluation(scope, get(tested)),
    ),
  );
  const passes = new Map<string, Step<Done<PredictOutput>>>();
  for (const pass of POOL_PASSES) {
    // The pass is recorded under the first method that needs it (its cost is that method's).
    const method = s.strategies.find((r) => passesOf(r.strategy).includes(pass))?.strategy.name;
    if (method === undefined) continue;
    for (const seed of passSeeds(pass, seeds, seed0)) {
      const key = pass.key(m0, seed);
      const recorded = pass.perSeed ? seed : recordedSeed;
      passes.set(key, predict(key, method, seed, recorded, data.pool, pass.save(s)));
    }
  }
  const steps: Step<unknown>[] = [train, pool, tested, baseline, ...passes.values()];
  if (!s.exportWorklist) {
    for (const seed of seeds) {
      const target = { method: CONTROL_METHOD, seed, budget: BASELINE_BUDGET, round: 1 };
      steps.push(...tuneAndEvaluate(scope, target, train, [], () => []).steps);
    }
  }
  return { base: { m0, seed0, recordedSeed, seeds, train, pool, passes }, steps };
}

// The seeds a pass is made for: each seed of the M0, or once (with M0's seed).
function passSeeds(pass: PoolPass, seeds: number[], seed0: number): number[] {
  return pass.perSeed ? seeds : [seed0];
}
