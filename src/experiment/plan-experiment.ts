import type { ExperimentDataset } from './dataset.js';
import { type ExperimentQueue, type RunOptions, openExperimentQueue } from './experiment-queue.js';
import type { ExperimentSettings } from './experiment-settings.js';
import type { ExperimentJob } from './job-runner.js';
import { m0Steps, m0Tags } from './plan/m0-steps.js';
import { methodSteps } from './plan/method-steps.js';
import type { PlanScope } from './plan/plan-scope.js';
import { type Done, type Step, countJobs, runSteps } from './plan/steps.js';
import { writeWorklists } from './write-worklists.js';

export interface PlanOutcome {
  failedJobs: { key: string; message: string; logPath: string }[];
  skippedJobs: string[];
  worklists: string[];
}

export interface ExperimentPlan {
  steps: readonly Step<unknown>[];
  // The number of jobs among the plan's steps (what the progress reporter counts down).
  totalJobs: number;
  run(options: RunOptions): Promise<PlanOutcome>;
}

// The protocol of the Quality Sentinel paper's section 4.4, as steps:
//   1. M0 = train(L)                               (once, or once per seed with repeatM0)
//   2. M0 predicts the pool (pseudo labels), the test set (the baseline row), and the extra
//      pool passes the methods declare (probabilities; T MC-dropout passes per seed)
//   3. every method scores the pool; M0 is evaluated on the test set
//   4. selection: AL the lowest N, SSL the highest K, per method, seed and budget
//   5. fine-tune on L + selected, predict the test set, evaluate Dice and NSD; the control
//      (CONTROL_METHOD) is the same fine-tune on L alone, per seed
//   6. AL with --rounds R: rounds 2..R re-predict and re-score the rest of the pool with the
//      round's model, revise the next N, fine-tune on L + all revised (plan/round-steps.ts)
// The jobs come from the methods' declared needs alone. Each step starts as soon as its own
// inputs exist, under the executor's limits; a step whose input failed is skipped (and listed).
export function planExperiment(
  s: ExperimentSettings,
  data: ExperimentDataset,
  experimentId: number,
): ExperimentPlan {
  const steps = planSteps({ s, data, experimentId });
  return {
    steps,
    totalJobs: countJobs(steps),
    run: (options) => runPlan(steps, { s, data, experimentId }, options),
  };
}

// Every step of the experiment: each M0's chain, then each method's chain on it.
export function planSteps(scope: PlanScope): Step<unknown>[] {
  return m0Tags(scope).flatMap((m0) => {
    const { base, steps } = m0Steps(scope, m0);
    return [...steps, ...scope.s.strategies.flatMap((m) => methodSteps(scope, base, m))];
  });
}

async function runPlan(
  steps: Step<unknown>[],
  scope: PlanScope,
  options: RunOptions,
): Promise<PlanOutcome> {
  const failedJobs: PlanOutcome['failedJobs'] = [];
  const skippedJobs: string[] = [];
  const queue: ExperimentQueue = openExperimentQueue(options);
  // Runs a job; undefined when it failed (listed once).
  const run = async <T>(job: ExperimentJob<T>): Promise<Done<T> | undefined> => {
    const end = await queue.run<T>(job);
    if (end.ok) return { dir: end.dir, output: end.output };
    failedJobs.push({ key: end.key, message: end.message, logPath: end.logPath });
    return undefined;
  };
  const settled = await runSteps(steps, { db: options.db, run }, (key, because) => {
    skippedJobs.push(`${key} (needs ${because})`);
  });
  // Waits for every job and throws what stopped the run (Ctrl-C, a user error), if anything.
  await queue.close();
  for (const result of settled) if (result.status === 'rejected') throw result.reason;
  failedJobs.sort((a, b) => a.key.localeCompare(b.key));
  skippedJobs.sort();
  const { s, data, experimentId } = scope;
  const worklists = s.exportWorklist ? await writeWorklists(options.db, experimentId, s, data) : [];
  return { failedJobs, skippedJobs, worklists };
}
