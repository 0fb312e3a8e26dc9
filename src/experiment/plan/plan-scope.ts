import { join } from 'node:path';
import type { ResolvedStrategy } from '../../../strategies/registry.js';
import { inRound, jobKeys } from '../../db/job-keys.js';
import type { ExperimentCase, ExperimentDataset } from '../dataset.js';
import type { ExperimentSettings } from '../experiment-settings.js';
import { type PredictOutput, type TrainOutput, predictJob, trainJob } from '../jobs/engine-jobs.js';
import { evaluateJob } from '../jobs/node-jobs.js';
import { predictedFiles } from '../pool-inputs.js';
import { type Done, type Get, type Step, jobStep } from './steps.js';

// What every step of a plan is built from.
export interface PlanScope {
  s: ExperimentSettings;
  data: ExperimentDataset;
  experimentId: number;
}

// One fine-tune of the plan: which method, seed, budget and round it belongs to.
export interface TuneTarget {
  method: string;
  seed: number;
  budget: number;
  round: number;
}

// A labeled case a fine-tune trains on.
export type TrainingCase = { id: string; image: string; label: string };

// Fine-tune on the labeled set plus `added`, predict the test set, evaluate Dice and NSD: three
// jobs. `added` reads the values of the steps in `after`; `m0` gives the M0 checkpoint.
export function tuneAndEvaluate(
  scope: PlanScope,
  t: TuneTarget,
  m0: Step<Done<TrainOutput>>,
  after: readonly Step<unknown>[],
  added: (get: Get) => TrainingCase[],
): { finetune: Step<Done<TrainOutput>>; steps: Step<unknown>[] } {
  const { s, data, experimentId } = scope;
  const at = { method: t.method, seed: t.seed, budget: t.budget, ...roundField(t.round) };
  const finetuneKey = inRound(jobKeys.finetune(t.method, t.seed, t.budget), t.round);
  const finetune = jobStep(finetuneKey, 'engine', [m0, ...after], (get) => {
    const m0Checkpoint = checkpointOf(get(m0));
    return trainJob(
      s.engine,
      { key: finetuneKey, kind: 'train', ...at },
      {
        init: s.training.finetuneFrom === 'm0' ? m0Checkpoint : s.training.pretrained,
        cases: [...data.labeled, ...added(get)],
        classes: data.classes,
        seed: t.seed,
        params: s.training.finetuneParams,
      },
    );
  });
  const predictKey = inRound(jobKeys.predictTest(t.method, t.seed, t.budget), t.round);
  const tested = jobStep(predictKey, 'engine', [finetune], (get) =>
    predictJob(
      s.engine,
      { key: predictKey, kind: 'predict', ...at },
      {
        checkpoint: checkpointOf(get(finetune)),
        cases: data.test,
        classes: data.classes,
        seed: t.seed,
        probabilities: false,
        mcSamples: 0,
      },
    ),
  );
  const evaluateKey = inRound(jobKeys.evaluate(t.method, t.seed, t.budget), t.round);
  const evaluated = jobStep(evaluateKey, 'node', [tested], (get) =>
    evaluateJob(
      experimentId,
      { key: evaluateKey, kind: 'evaluate', ...at },
      testEvaluation(scope, get(tested)),
    ),
  );
  return { finetune, steps: [finetune, tested, evaluated] };
}

// The round a job spec records: left out for round 1, so single-round specs are unchanged.
export function roundField(round: number): { round?: number } {
  return round === 1 ? {} : { round };
}

// A train job's checkpoint, as an absolute path.
export function checkpointOf(trained: Done<TrainOutput>): string {
  return join(trained.dir, trained.output.checkpoint);
}

// The evaluation of a test-set prediction: each case's predicted mask against its label.
export function testEvaluation(scope: PlanScope, tested: Done<PredictOutput>) {
  return {
    classes: scope.data.classes,
    nsdToleranceMm: scope.s.nsdToleranceMm,
    cases: scope.data.test.map((c: ExperimentCase) => ({
      id: c.id,
      prediction: predictedFiles(tested.dir, tested.output, c.id).mask,
      truth: c.label,
    })),
  };
}

// What every score job of a method asks, but the cases.
export function scoreRequest(scope: PlanScope, method: ResolvedStrategy, seed: number) {
  const { s, data } = scope;
  return {
    method: method.strategy.name,
    ...(method.module === null ? {} : { module: method.module }),
    seed,
    classes: data.classes,
    options: { qsModel: s.qs.model, qsBatchSize: s.qs.batchSize },
  };
}
