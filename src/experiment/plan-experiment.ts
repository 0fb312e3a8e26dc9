import { join } from 'node:path';
import { getStrategy } from '../../strategies/registry.js';
import { jobKeys, m0Tag } from '../db/job-keys.js';
import { BASELINE_BUDGET, CASE_LEVEL_ORGAN, CONTROL_METHOD } from '../db/schema.js';
import { listScores } from '../db/scores.js';
import { recordSelection } from '../db/selections.js';
import type { ExperimentDataset } from './dataset.js';
import { type ExperimentQueue, type RunOptions, openExperimentQueue } from './experiment-queue.js';
import type { ExperimentSettings } from './experiment-settings.js';
import type { ExperimentJob } from './job-runner.js';
import { type PredictOutput, type TrainOutput, predictJob, trainJob } from './jobs/engine-jobs.js';
import { evaluateJob, scoreJob } from './jobs/node-jobs.js';
import { poolCases, predictedFiles } from './pool-inputs.js';
import { selectHighest, selectLowest } from './select.js';
import { writeWorklists } from './write-worklists.js';

export interface PlanOutcome {
  failedJobs: { key: string; message: string; logPath: string }[];
  skippedJobs: string[];
  worklists: string[];
}

export interface ExperimentPlan {
  totalJobs: number;
  run(options: RunOptions): Promise<PlanOutcome>;
}

type Done<T> = { dir: string; output: T };

// The protocol of the Quality Sentinel paper's section 4.4:
//   1. M0 = train(L)                               (once, or once per seed with repeatM0)
//   2. M0 predicts the pool (pseudo labels), the pool again with probabilities (entropy),
//      T MC-dropout passes per seed (mc-dropout), and the test set (the baseline row)
//   3. every method scores the pool; M0 is evaluated on the test set
//   4. selection: AL the lowest N, SSL the highest K, per method, seed and budget
//   5. fine-tune on L + selected, predict the test set, evaluate Dice and NSD; the control
//      (CONTROL_METHOD) is the same fine-tune on L alone, per seed
// Each job starts as soon as its own inputs exist (e.g. QS's fine-tuning does not wait for the
// MC-dropout passes), under the executor's concurrency limits. A job whose inputs failed is
// skipped (and listed); the rest go on.
export function planExperiment(
  s: ExperimentSettings,
  data: ExperimentDataset,
  experimentId: number,
): ExperimentPlan {
  const m0s = [...new Set(s.seeds.map((seed) => m0Tag(s.training.repeatM0, seed)))];
  const m0Seed = (m0: string) => (m0 === 'm0' ? 0 : Number(m0.split('=')[1]));
  const specSeed = (m0: string) => (m0 === 'm0' ? null : m0Seed(m0));
  const seedsOf = (m0: string) => s.seeds.filter((x) => m0Tag(s.training.repeatM0, x) === m0);
  const randomized = (method: string) => getStrategy(method).randomized;
  const wants = (method: string) => s.methods.includes(method);
  const scoreSeed = (method: string, seed: number) => (randomized(method) ? seed : null);
  const budgetsBySeed = s.seeds.length * s.budgets.length;
  // Each method's fine-tunes, and the control's (one per seed), 3 jobs each.
  const downstream = s.exportWorklist ? 0 : (s.methods.length * budgetsBySeed + s.seeds.length) * 3;
  const perM0 =
    4 +
    (wants('entropy') ? 1 : 0) +
    (wants('mc-dropout') ? s.seeds.length : 0) +
    s.methods.reduce((n, m) => n + (randomized(m) ? s.seeds.length : 1), 0);
  const totalJobs = m0s.length * perM0 + downstream;
  const poolById = new Map(data.pool.map((c) => [c.id, c]));
  // The evaluation of a test-set prediction: each case's predicted mask against its label.
  const testEvaluation = (tested: Done<PredictOutput>) => ({
    classes: data.classes,
    nsdToleranceMm: s.nsdToleranceMm,
    cases: data.test.map((c) => ({
      id: c.id,
      prediction: predictedFiles(tested.dir, tested.output, c.id).mask,
      truth: c.label,
    })),
  });

  return {
    totalJobs,
    async run(options) {
      const failedJobs: PlanOutcome['failedJobs'] = [];
      const skippedJobs: string[] = [];
      const queue: ExperimentQueue = openExperimentQueue(options);
      // Runs a job; undefined when it failed (listed once) or when `needs` names a failed input.
      const run = <T>(job: ExperimentJob): Promise<Done<T> | undefined> => {
        const done = queue.run<T>(job).then((end) => {
          if (end.ok) return { dir: end.dir, output: end.output };
          failedJobs.push({ key: end.key, message: end.message, logPath: end.logPath });
          return undefined;
        });
        // A stopped run rejects every job; one whose dependants never awaited it (they stopped
        // on another input first) must not become an unhandled rejection: close() reports it.
        done.catch(() => {});
        return done;
      };
      const skip = (key: string, because: string): void => {
        skippedJobs.push(`${key} (needs ${because})`);
      };

      // Step 5 for one selection: fine-tune, predict the test set, evaluate.
      const finetuneChain = async (
        method: string,
        seed: number,
        budget: number,
        added: { id: string; image: string; label: string }[],
        m0Checkpoint: string,
      ) => {
        const finetuneKey = jobKeys.finetune(method, seed, budget);
        const tuned = await run<TrainOutput>(
          trainJob(
            s.engine,
            { key: finetuneKey, kind: 'train', method, seed, budget },
            {
              init: s.training.finetuneFrom === 'm0' ? m0Checkpoint : s.training.pretrained,
              cases: [...data.labeled, ...added],
              classes: data.classes,
              seed,
              params: s.training.finetuneParams,
            },
          ),
        );
        const predictKey = jobKeys.predictTest(method, seed, budget);
        if (!tuned) return skip(predictKey, finetuneKey);
        const tested = await run<PredictOutput>(
          predictJob(
            s.engine,
            { key: predictKey, kind: 'predict', method, seed, budget },
            {
              checkpoint: join(tuned.dir, tuned.output.checkpoint),
              cases: data.test,
              classes: data.classes,
              seed,
              probabilities: false,
              mcSamples: 0,
            },
          ),
        );
        const evaluateKey = jobKeys.evaluate(method, seed, budget);
        if (!tested) return skip(evaluateKey, predictKey);
        await run(
          evaluateJob(
            experimentId,
            { key: evaluateKey, kind: 'evaluate', method, seed, budget },
            testEvaluation(tested),
          ),
        );
      };

      // Everything that follows one M0.
      const m0Chain = async (m0: string) => {
        const trainKey = jobKeys.trainM0(m0);
        const trained = await run<TrainOutput>(
          trainJob(
            s.engine,
            { key: trainKey, kind: 'train', method: 'baseline', seed: specSeed(m0), budget: null },
            {
              init: s.training.pretrained,
              cases: data.labeled,
              classes: data.classes,
              seed: m0Seed(m0),
              params: s.training.m0Params,
            },
          ),
        );
        if (!trained) return skip(`predict/*/${m0}`, trainKey);
        const checkpoint = join(trained.dir, trained.output.checkpoint);

        // Step 2. Pool and M0 predictions belong to no budget; their seed is recorded only when
        // they are repeated per seed (the report counts seedless jobs once for all repeats).
        const predict = (
          key: string,
          method: string,
          seed: number,
          recordedSeed: number | null,
          cases: { id: string; image: string }[],
          probabilities: boolean,
          mcSamples: number,
        ) =>
          run<PredictOutput>(
            predictJob(
              s.engine,
              { key, kind: 'predict', method, seed: recordedSeed, budget: null },
              { checkpoint, cases, classes: data.classes, seed, probabilities, mcSamples },
            ),
          );
        const seed0 = m0Seed(m0);
        const masks = predict(
          jobKeys.predictPool(m0),
          'pseudo-labels',
          seed0,
          specSeed(m0),
          data.pool,
          false,
          0,
        );
        const testM0 = predict(
          jobKeys.predictTestM0(m0),
          'baseline',
          seed0,
          specSeed(m0),
          data.test,
          false,
          0,
        );
        const probabilities = wants('entropy')
          ? predict(
              jobKeys.predictPoolProbabilities(m0),
              'entropy',
              seed0,
              specSeed(m0),
              data.pool,
              true,
              0,
            )
          : undefined;
        const mcPasses = new Map(
          (wants('mc-dropout') ? seedsOf(m0) : []).map((seed) => [
            seed,
            predict(
              jobKeys.predictPoolMc(m0, seed),
              'mc-dropout',
              seed,
              seed,
              data.pool,
              false,
              s.mcSamples,
            ),
          ]),
        );

        // Step 3: M0 on the test set (the baseline row), and every method's scores.
        const baseline = (async () => {
          const key = jobKeys.evaluateBaseline(m0);
          const tested = await testM0;
          if (!tested) return skip(key, jobKeys.predictTestM0(m0));
          await run(
            evaluateJob(
              experimentId,
              { key, kind: 'evaluate', method: 'baseline', seed: seed0, budget: 0 },
              testEvaluation(tested),
            ),
          );
        })();
        const score = async (method: string, seed: number | null): Promise<boolean> => {
          const key = jobKeys.score(method, m0, seed);
          const pool = await masks;
          if (!pool) {
            skip(key, jobKeys.predictPool(m0));
            return false;
          }
          let extra: Done<PredictOutput> | undefined;
          if (method === 'entropy' || method === 'mc-dropout') {
            const source =
              method === 'entropy'
                ? jobKeys.predictPoolProbabilities(m0)
                : jobKeys.predictPoolMc(m0, seed ?? 0);
            extra = await (method === 'entropy' ? probabilities : mcPasses.get(seed ?? 0));
            if (!extra) {
              skip(key, source);
              return false;
            }
          }
          const scored = await run(
            scoreJob(
              experimentId,
              { key, kind: 'score', method, seed: seed ?? specSeed(m0), budget: null },
              {
                method,
                seed: seed ?? seed0,
                classes: data.classes,
                options: { qsModel: s.qs.model, qsBatchSize: s.qs.batchSize },
                cases: poolCases(data.pool, pool, extra),
              },
            ),
          );
          return scored !== undefined;
        };

        // Steps 4 and 5 for one method and seed: select from the recorded scores, fine-tune.
        const selectAndFinetune = async (
          method: string,
          seed: number,
          scored: Promise<boolean>,
        ) => {
          if (!(await scored))
            return skip(
              `selection ${method}/seed=${seed}`,
              jobKeys.score(method, m0, scoreSeed(method, seed)),
            );
          const caseScores = listScores(options.db, experimentId, {
            method,
            seed: scoreSeed(method, seed) ?? seed0,
            organ: CASE_LEVEL_ORGAN,
          }).map((r) => ({ caseId: r.caseId, score: r.value }));
          const pool = (await masks)!;
          const tuning: Promise<void>[] = [];
          for (const budget of s.budgets) {
            const picked =
              s.kind === 'al'
                ? selectLowest(caseScores, budget, seed)
                : selectHighest(caseScores, budget, seed);
            recordSelection(options.db, { experimentId, method, seed, budget }, picked);
            if (s.exportWorklist) continue;
            const added = picked.map(({ caseId }) => {
              const c = poolById.get(caseId)!;
              // AL: the revised (ground-truth) label; SSL: the kept pseudo label.
              const label =
                s.kind === 'al' ? c.label : predictedFiles(pool.dir, pool.output, caseId).mask;
              return { id: c.id, image: c.image, label };
            });
            tuning.push(finetuneChain(method, seed, budget, added, checkpoint));
          }
          await Promise.all(tuning);
        };

        // The control: the same fine-tune on the labeled set alone, per seed.
        const chains: Promise<void>[] = [baseline];
        if (!s.exportWorklist) {
          for (const seed of seedsOf(m0))
            chains.push(finetuneChain(CONTROL_METHOD, seed, BASELINE_BUDGET, [], checkpoint));
        }
        for (const method of s.methods) {
          const shared = randomized(method) ? undefined : score(method, null);
          for (const seed of seedsOf(m0))
            chains.push(selectAndFinetune(method, seed, shared ?? score(method, seed)));
        }
        await Promise.all(chains);
      };

      const settled = await Promise.allSettled(m0s.map((m0) => m0Chain(m0)));
      // Waits for every job and throws what stopped the run (Ctrl-C, a user error), if anything.
      await queue.close();
      for (const result of settled) if (result.status === 'rejected') throw result.reason;
      failedJobs.sort((a, b) => a.key.localeCompare(b.key));
      skippedJobs.sort();
      const worklists = s.exportWorklist
        ? await writeWorklists(options.db, experimentId, s, data)
        : [];
      return { failedJobs, skippedJobs, worklists };
    },
  };
}
