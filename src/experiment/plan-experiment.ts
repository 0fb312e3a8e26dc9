import { join } from 'node:path';
import { getStrategy } from '../../strategies/registry.js';
import { CASE_LEVEL_ORGAN } from '../db/schema.js';
import { listScores } from '../db/scores.js';
import { recordSelection } from '../db/selections.js';
import type { ExperimentDataset } from './dataset.js';
import type { ExperimentSettings } from './experiment-settings.js';
import { jobKeys, m0Tag } from './job-keys.js';
import type { ExperimentJob, JobEnd } from './job-runner.js';
import { type PredictOutput, type TrainOutput, predictJob, trainJob } from './jobs/engine-jobs.js';
import { evaluateJob, scoreJob } from './jobs/node-jobs.js';
import { poolCases, predictedFiles } from './pool-inputs.js';
import { type StageOptions, runStage } from './run-stage.js';
import { selectHighest, selectLowest } from './select.js';
import { writeWorklists } from './write-worklists.js';

export interface PlanOutcome {
  failedJobs: { key: string; message: string; logPath: string }[];
  skippedJobs: string[];
  worklists: string[];
}

export interface ExperimentPlan {
  totalJobs: number;
  run(options: StageOptions): Promise<PlanOutcome>;
}

type Done<T> = { dir: string; output: T };

// The protocol of the Quality Sentinel paper's section 4.4, stage by stage:
//   1. M0 = train(L)                               (once, or once per seed with repeatM0)
//   2. M0 predicts the pool (pseudo labels), the pool again with probabilities (entropy),
//      T MC-dropout passes per seed (mc-dropout), and the test set (the baseline row)
//   3. every method scores the pool; M0 is evaluated on the test set
//   4. selection: AL the lowest N, SSL the highest K, per method, seed and budget
//   5. fine-tune on L + selected, predict the test set, evaluate Dice and NSD
// A job whose inputs failed is skipped (and listed); the rest go on.
export function planExperiment(
  s: ExperimentSettings,
  data: ExperimentDataset,
  experimentId: number,
): ExperimentPlan {
  const m0s = [...new Set(s.seeds.map((seed) => m0Tag(s.training.repeatM0, seed)))];
  const m0Seed = (m0: string) => (m0 === 'm0' ? 0 : Number(m0.split('=')[1]));
  const specSeed = (m0: string) => (m0 === 'm0' ? null : m0Seed(m0));
  const randomized = (method: string) => getStrategy(method).randomized;
  const wants = (method: string) => s.methods.includes(method);
  const scoreSeed = (method: string, seed: number) => (randomized(method) ? seed : null);
  const budgetsBySeed = s.seeds.length * s.budgets.length;
  const downstream = s.exportWorklist ? 0 : s.methods.length * budgetsBySeed * 3;
  const perM0 =
    4 +
    (wants('entropy') ? 1 : 0) +
    (wants('mc-dropout') ? s.seeds.length : 0) +
    s.methods.reduce((n, m) => n + (randomized(m) ? s.seeds.length : 1), 0);
  const totalJobs = m0s.length * perM0 + downstream;
  const failedJobs: PlanOutcome['failedJobs'] = [];
  const skippedJobs: string[] = [];
  const reported = new Set<string>();

  const settle = <T>(ends: Map<string, JobEnd<unknown>>, key: string): Done<T> | undefined => {
    const end = ends.get(key);
    if (!end) return undefined;
    if (!end.ok) {
      if (!reported.has(key)) failedJobs.push({ key, message: end.message, logPath: end.logPath });
      reported.add(key);
      return undefined;
    }
    return { dir: end.dir, output: end.output as T };
  };
  const skip = (key: string, because: string) => {
    if (!reported.has(key)) skippedJobs.push(`${key} (needs ${because})`);
    reported.add(key);
  };

  return {
    totalJobs,
    async run(options) {
      const trainM0Jobs = m0s.map((m0) =>
        trainJob(
          s.engine,
          {
            key: jobKeys.trainM0(m0),
            kind: 'train',
            method: 'baseline',
            seed: specSeed(m0),
            budget: null,
          },
          {
            init: s.training.pretrained,
            cases: data.labeled,
            classes: data.classes,
            seed: m0Seed(m0),
            params: s.training.m0Params,
          },
        ),
      );
      const trained = await runStage(trainM0Jobs, options);
      const m0Models = new Map<string, string>();
      for (const m0 of m0s) {
        const done = settle<TrainOutput>(trained, jobKeys.trainM0(m0));
        if (done) m0Models.set(m0, join(done.dir, done.output.checkpoint));
      }

      // Stage 2: predictions of each M0.
      const predictJobs: ExperimentJob[] = [];
      for (const m0 of m0s) {
        const checkpoint = m0Models.get(m0);
        if (!checkpoint) {
          skip(`predict/*/${m0}`, jobKeys.trainM0(m0));
          continue;
        }
        // Pool and M0 predictions belong to no budget; their seed is recorded only when they
        // are repeated per seed (the report counts seedless jobs once for all repeats).
        const predict = (
          key: string,
          method: string,
          seed: number,
          recordedSeed: number | null,
          cases: { id: string; image: string }[],
          probabilities: boolean,
          mcSamples: number,
        ) =>
          predictJob(
            s.engine,
            { key, kind: 'predict', method, seed: recordedSeed, budget: null },
            { checkpoint, cases, classes: data.classes, seed, probabilities, mcSamples },
          );
        predictJobs.push(
          predict(
            jobKeys.predictPool(m0),
            'pseudo-labels',
            m0Seed(m0),
            specSeed(m0),
            data.pool,
            false,
            0,
          ),
        );
        predictJobs.push(
          predict(
            jobKeys.predictTestM0(m0),
            'baseline',
            m0Seed(m0),
            specSeed(m0),
            data.test,
            false,
            0,
          ),
        );
        if (wants('entropy'))
          predictJobs.push(
            predict(
              jobKeys.predictPoolProbabilities(m0),
              'entropy',
              m0Seed(m0),
              specSeed(m0),
              data.pool,
              true,
              0,
            ),
          );
        if (wants('mc-dropout')) {
          for (const seed of s.seeds.filter((x) => m0Tag(s.training.repeatM0, x) === m0)) {
            predictJobs.push(
              predict(
                jobKeys.predictPoolMc(m0, seed),
                'mc-dropout',
                seed,
                seed,
                data.pool,
                false,
                s.mcSamples,
              ),
            );
          }
        }
      }
      const predicted = await runStage(predictJobs, options);

      // Stage 3: scores of every method, and M0's evaluation.
      const scoreJobs: ExperimentJob[] = [];
      for (const m0 of m0s) {
        const masks = settle<PredictOutput>(predicted, jobKeys.predictPool(m0));
        const testM0 = settle<PredictOutput>(predicted, jobKeys.predictTestM0(m0));
        if (testM0) {
          scoreJobs.push(
            evaluateJob(
              experimentId,
              {
                key: jobKeys.evaluateBaseline(m0),
                kind: 'evaluate',
                method: 'baseline',
                seed: m0Seed(m0),
                budget: 0,
              },
              {
                classes: data.classes,
                nsdToleranceMm: s.nsdToleranceMm,
                cases: data.test.map((c) => ({
                  id: c.id,
                  prediction: predictedFiles(testM0.dir, testM0.output, c.id).mask,
                  truth: c.label,
                })),
              },
            ),
          );
        } else skip(jobKeys.evaluateBaseline(m0), jobKeys.predictTestM0(m0));
        if (!masks) {
          skip(`score/*/${m0}`, jobKeys.predictPool(m0));
          continue;
        }
        const seedsOfM0 = s.seeds.filter((x) => m0Tag(s.training.repeatM0, x) === m0);
        for (const method of s.methods) {
          for (const seed of randomized(method) ? seedsOfM0 : [null]) {
            const key = jobKeys.score(method, m0, seed);
            let extra: Done<PredictOutput> | undefined;
            if (method === 'entropy' || method === 'mc-dropout') {
              const source =
                method === 'entropy'
                  ? jobKeys.predictPoolProbabilities(m0)
                  : jobKeys.predictPoolMc(m0, seed ?? 0);
              extra = settle<PredictOutput>(predicted, source);
              if (!extra) {
                skip(key, source);
                continue;
              }
            }
            scoreJobs.push(
              scoreJob(
                experimentId,
                { key, kind: 'score', method, seed: seed ?? specSeed(m0), budget: null },
                {
                  method,
                  seed: seed ?? m0Seed(m0),
                  classes: data.classes,
                  options: { qsModel: s.qs.model, qsBatchSize: s.qs.batchSize },
                  cases: poolCases(data.pool, masks, extra),
                },
              ),
            );
          }
        }
      }
      const scored = await runStage(scoreJobs, options);
      for (const job of scoreJobs) settle(scored, job.spec.key);

      // Stage 4: selections, written once here from the recorded scores.
      const finetunes: ExperimentJob[] = [];
      const selected = new Map<string, string[]>();
      for (const method of s.methods) {
        for (const seed of s.seeds) {
          const m0 = m0Tag(s.training.repeatM0, seed);
          const key = jobKeys.score(method, m0, scoreSeed(method, seed));
          if (!scored.get(key)?.ok) {
            skip(`selection ${method}/seed=${seed}`, key);
            continue;
          }
          const recordedSeed = scoreSeed(method, seed) ?? m0Seed(m0);
          const caseScores = listScores(options.db, experimentId, {
            method,
            seed: recordedSeed,
            organ: CASE_LEVEL_ORGAN,
          }).map((r) => ({
            caseId: r.caseId,
            score: r.value,
          }));
          for (const budget of s.budgets) {
            const picked =
              s.kind === 'al'
                ? selectLowest(caseScores, budget, seed)
                : selectHighest(caseScores, budget, seed);
            recordSelection(options.db, { experimentId, method, seed, budget }, picked);
            selected.set(
              `${method}/${seed}/${budget}`,
              picked.map((p) => p.caseId),
            );
          }
        }
      }
      if (s.exportWorklist) {
        const worklists = await writeWorklists(options.db, experimentId, s, data);
        return { failedJobs, skippedJobs, worklists };
      }

      // Stage 5: fine-tune on L + selected, predict the test set, evaluate.
      const poolById = new Map(data.pool.map((c) => [c.id, c]));
      for (const [selectionKey, caseIds] of selected) {
        const [method = '', seedText = '0', budgetText = '0'] = selectionKey.split('/');
        const seed = Number(seedText);
        const budget = Number(budgetText);
        const m0 = m0Tag(s.training.repeatM0, seed);
        const m0Checkpoint = m0Models.get(m0);
        const masks = settle<PredictOutput>(predicted, jobKeys.predictPool(m0));
        if (!m0Checkpoint || !masks) continue;
        const added = caseIds.map((id) => {
          const c = poolById.get(id)!;
          // AL: the revised (ground-truth) label; SSL: the kept pseudo label.
          const label =
            s.kind === 'al' ? c.label : predictedFiles(masks.dir, masks.output, id).mask;
          return { id: c.id, image: c.image, label };
        });
        finetunes.push(
          trainJob(
            s.engine,
            { key: jobKeys.finetune(method, seed, budget), kind: 'train', method, seed, budget },
            {
              init: s.training.finetuneFrom === 'm0' ? m0Checkpoint : s.training.pretrained,
              cases: [...data.labeled, ...added],
              classes: data.classes,
              seed,
              params: s.training.finetuneParams,
            },
          ),
        );
      }
      const tuned = await runStage(finetunes, options);
      const testPredictions: ExperimentJob[] = [];
      for (const job of finetunes) {
        const { method, seed, budget } = job.spec as {
          method: string;
          seed: number;
          budget: number;
        };
        const done = settle<TrainOutput>(tuned, job.spec.key);
        if (!done) {
          skip(jobKeys.predictTest(method, seed, budget), job.spec.key);
          continue;
        }
        testPredictions.push(
          predictJob(
            s.engine,
            {
              key: jobKeys.predictTest(method, seed, budget),
              kind: 'predict',
              method,
              seed,
              budget,
            },
            {
              checkpoint: join(done.dir, done.output.checkpoint),
              cases: data.test,
              classes: data.classes,
              seed,
              probabilities: false,
              mcSamples: 0,
            },
          ),
        );
      }
      const tested = await runStage(testPredictions, options);
      const evaluations: ExperimentJob[] = [];
      for (const job of testPredictions) {
        const { method, seed, budget } = job.spec as {
          method: string;
          seed: number;
          budget: number;
        };
        const done = settle<PredictOutput>(tested, job.spec.key);
        if (!done) {
          skip(jobKeys.evaluate(method, seed, budget), job.spec.key);
          continue;
        }
        evaluations.push(
          evaluateJob(
            experimentId,
            { key: jobKeys.evaluate(method, seed, budget), kind: 'evaluate', method, seed, budget },
            {
              classes: data.classes,
              nsdToleranceMm: s.nsdToleranceMm,
              cases: data.test.map((c) => ({
                id: c.id,
                prediction: predictedFiles(done.dir, done.output, c.id).mask,
                truth: c.label,
              })),
            },
          ),
        );
      }
      const evaluated = await runStage(evaluations, options);
      for (const job of evaluations) settle(evaluated, job.spec.key);
      return { failedJobs, skippedJobs, worklists: [] };
    },
  };
}
