import { join } from 'node:path';
import { jobKeys, m0Tag } from '../../db/job-keys.js';
import type { JobSpec } from '../../db/jobs.js';
import { ANNOTATED_METHOD } from '../../db/schema.js';
import type { Db } from '../../db/types.js';
import { UserError } from '../../errors.js';
import type { ExperimentCase, ExperimentDataset } from '../dataset.js';
import type { ExperimentQueue } from '../experiment-queue.js';
import type { ExperimentSettings } from '../experiment-settings.js';
import { type ExperimentJob, doneOutput } from '../job-runner.js';
import { type PredictOutput, type TrainOutput, predictJob, trainJob } from '../jobs/engine-jobs.js';
import type { ScoreJobResult } from '../jobs/node-job-request.js';
import { evaluateJob, scoreJob } from '../jobs/node-jobs.js';
import { poolCases, predictedFiles } from '../pool-inputs.js';
import { selectLowest } from '../select.js';
import type { ReviewCase } from './write-review-round.js';

type Done<T> = { dir: string; output: T };

// One round's work after its masks are imported, through the experiment's queue (recorded,
// metered, resumable): fine-tune on the labeled set and every revised case, evaluate on the
// test set, pseudo-label and score the rest of the pool, pick the next round's cases.
export interface RevisionRound {
  db: Db;
  experimentId: number;
  s: ExperimentSettings;
  data: ExperimentDataset;
  queue: ExperimentQueue;
  round: number;
  // The method whose scores pick the cases, and how many a round asks for.
  method: string;
  size: number;
  // Every case revised so far, with its imported mask as the label.
  revised: ExperimentCase[];
}

export interface RoundJobsOutcome {
  failedJobs: { key: string; message: string; logPath: string }[];
  // The next round's cases; empty when the pool is used up, undefined when a job failed.
  next: ReviewCase[] | undefined;
}

const key = (round: number, step: string) => `${ANNOTATED_METHOD}/round=${round}/${step}`;

// Runs the round's jobs; failures are listed, what depends on them is not run.
export async function runRevisionRound(r: RevisionRound): Promise<RoundJobsOutcome> {
  const failedJobs: RoundJobsOutcome['failedJobs'] = [];
  const run = async <T>(job: ExperimentJob): Promise<Done<T> | undefined> => {
    const end = await r.queue.run<T>(job);
    if (end.ok) return { dir: end.dir, output: end.output };
    failedJobs.push({ key: end.key, message: end.message, logPath: end.logPath });
    return undefined;
  };
  const seed = r.s.seeds[0] ?? 0;
  const spec: Spec = (step, kind) => ({
    key: key(r.round, step),
    kind,
    method: ANNOTATED_METHOD,
    seed,
    budget: r.revised.length,
  });
  const tuned = await run<TrainOutput>(
    trainJob(r.s.engine, spec('finetune', 'train'), {
      init: finetuneInit(r),
      cases: [...r.data.labeled, ...r.revised],
      classes: r.data.classes,
      seed,
      params: r.s.training.finetuneParams,
    }),
  );
  if (!tuned) return { failedJobs, next: undefined };
  const checkpoint = join(tuned.dir, tuned.output.checkpoint);
  const [, next] = await Promise.all([
    evaluateOnTest(r, run, spec, checkpoint),
    scoreRestOfPool(r, run, spec, checkpoint),
  ]);
  return { failedJobs, next: failedJobs.length > 0 ? undefined : next };
}

type Run = <T>(job: ExperimentJob) => Promise<Done<T> | undefined>;
type Spec = (
  step: string,
  kind: string,
) => JobSpec & { method: string; seed: number; budget: number };

// The fine-tune's starting point, as the run's config says: M0 (recorded by al-run) or the init.
function finetuneInit(r: RevisionRound): string | null {
  if (r.s.training.finetuneFrom === 'init') return r.s.training.pretrained;
  const m0Key = jobKeys.trainM0(m0Tag(r.s.training.repeatM0, r.s.seeds[0] ?? 0));
  const m0 = doneOutput<TrainOutput>(r.db, r.experimentId, r.s.runDir, m0Key);
  if (!m0?.ok) {
    throw new UserError(
      `M0 of this run (job ${m0Key}) is not recorded as done, or its folder is gone`,
      {
        hint: 'run the al-run --export-worklist command of this run again: it redoes what is missing',
      },
    );
  }
  return join(m0.dir, m0.output.checkpoint);
}

// The fine-tuned model's Dice and NSD on the test set (the cases with a truth label).
async function evaluateOnTest(r: RevisionRound, run: Run, spec: Spec, checkpoint: string) {
  if (r.data.test.length === 0) return;
  const seed = r.s.seeds[0] ?? 0;
  const tested = await run<PredictOutput>(
    predictJob(r.s.engine, spec('predict/test', 'predict'), {
      checkpoint,
      cases: r.data.test,
      classes: r.data.classes,
      seed,
      probabilities: false,
      mcSamples: 0,
    }),
  );
  if (!tested) return;
  await run(
    evaluateJob(r.experimentId, spec('evaluate', 'evaluate'), {
      classes: r.data.classes,
      nsdToleranceMm: r.s.nsdToleranceMm,
      cases: r.data.test.map((c) => ({
        id: c.id,
        prediction: predictedFiles(tested.dir, tested.output, c.id).mask,
        truth: c.label,
      })),
    }),
  );
}

// New pseudo labels for the cases not revised yet, scored by the round's method; the lowest
// `size` are the next round's cases. The scores stay in the score job's recorded output (the
// scores table holds the run's simulated experiment).
async function scoreRestOfPool(
  r: RevisionRound,
  run: Run,
  spec: Spec,
  checkpoint: string,
): Promise<ReviewCase[]> {
  const revised = new Set(r.revised.map((c) => c.id));
  const rest = r.data.pool.filter((c) => !revised.has(c.id));
  if (rest.length === 0) return [];
  const seed = r.s.seeds[0] ?? 0;
  const method = r.s.strategies.find((x) => x.strategy.name === r.method);
  if (!method) throw new Error(`bug: the round's method ${r.method} is not among the run's`);
  const needs = method.strategy.needs;
  const predicted = await run<PredictOutput>(
    predictJob(r.s.engine, spec('predict/pool', 'predict'), {
      checkpoint,
      cases: rest,
      classes: r.data.classes,
      seed,
      probabilities: needs.probabilities ?? false,
      mcSamples: needs.mcSamples ? r.s.mcSamples : 0,
    }),
  );
  if (!predicted) return [];
  const job = scoreJob(r.experimentId, spec(`score/${r.method}`, 'score'), {
    method: r.method,
    seed,
    classes: r.data.classes,
    options: { qsModel: r.s.qs.model, qsBatchSize: r.s.qs.batchSize },
    cases: poolCases(rest, predicted, [predicted], needs),
    ...(method.module === null ? {} : { module: method.module }),
  });
  const { record: _scoresTable, ...unrecorded } = job;
  const scored = await run<ScoreJobResult>(unrecorded);
  if (!scored) return [];
  const byCase = new Map(scored.output.cases.map((c) => [c.caseId, c]));
  const picked = selectLowest(
    scored.output.cases.map((c) => ({ caseId: c.caseId, score: c.caseScore })),
    r.size,
    seed,
  );
  const images = new Map(rest.map((c) => [c.id, c.image]));
  return picked.map((p) => ({
    caseId: p.caseId,
    rank: p.rank,
    score: p.score,
    image: images.get(p.caseId) as string,
    pseudoLabel: predictedFiles(predicted.dir, predicted.output, p.caseId).mask,
    organs: byCase.get(p.caseId)?.organs ?? [],
  }));
}
