import type { DbWriter } from '../../db/types.js';
import type { ExperimentJob } from '../job-runner.js';

// A finished job's folder and output.
export type Done<T> = { dir: string; output: T };

// Reads the value of a step this step runs after (only those are finished when it starts).
export type Get = <U>(step: Step<U>) => U;

// What a step may use while it runs: the database and the queue that runs jobs (undefined for a
// job that failed, listed once).
export interface StepEnv {
  db: DbWriter;
  run<O>(job: ExperimentJob<O>): Promise<Done<O> | undefined>;
}

// One step of an experiment's plan: a job (with its key and the pool it runs in), or an action
// between jobs (a selection, recorded in the database). It starts once every step it runs
// `after` has a value; undefined means it failed, and the steps after it do not start.
export interface Step<T> {
  key: string;
  isJob: boolean;
  // Engine jobs (train/predict) or node jobs (score/evaluate); null for an action.
  pool: 'engine' | 'node' | null;
  after: readonly Step<unknown>[];
  start(get: Get, env: StepEnv): Promise<T | undefined>;
}

// A job step: builds its job from the values of the steps it runs after.
export function jobStep<O>(
  key: string,
  pool: 'engine' | 'node',
  after: readonly Step<unknown>[],
  build: (get: Get) => ExperimentJob<O>,
): Step<Done<O>> {
  const start = (get: Get, env: StepEnv) => {
    const job = build(get);
    if (job.pool !== pool) throw new Error(`bug: step ${key} is planned in the ${pool} pool`);
    return env.run(job);
  };
  return { key, isJob: true, pool, after, start };
}

// An action step: computes its value in this process (no job, not counted as one).
export function actionStep<T>(
  key: string,
  after: readonly Step<unknown>[],
  act: (get: Get, db: DbWriter) => T,
): Step<T> {
  return { key, isJob: false, pool: null, after, start: async (get, env) => act(get, env.db) };
}

// The jobs of a plan, counted from its steps: what the progress reporter shows is what runs.
export function countJobs(steps: readonly Step<unknown>[]): number {
  return steps.filter((s) => s.isJob).length;
}

// Runs every step as soon as the steps it runs after are done, each once. A step whose input
// failed is skipped and listed (`skip`), once, with the failed input; a step after a skipped one
// is not listed again. Resolves when all have settled, with each step's settlement.
export async function runSteps(
  steps: readonly Step<unknown>[],
  env: StepEnv,
  skip: (key: string, because: string) => void,
): Promise<PromiseSettledResult<boolean>[]> {
  const values = new Map<Step<unknown>, unknown>();
  const skipped = new Set<Step<unknown>>();
  const started = new Map<Step<unknown>, Promise<boolean>>();
  const get: Get = <U>(step: Step<U>): U => {
    if (!values.has(step)) throw new Error(`bug: step ${step.key} read before it finished`);
    return values.get(step) as U;
  };
  const start = (step: Step<unknown>): Promise<boolean> => {
    const known = started.get(step);
    if (known) return known;
    const run = (async () => {
      const ready = await Promise.all(step.after.map(start));
      const missing = step.after.find((_, i) => !ready[i]);
      if (missing) {
        if (!skipped.has(missing)) skip(step.key, missing.key);
        skipped.add(step);
        return false;
      }
      const value = await step.start(get, env);
      if (value === undefined) return false;
      values.set(step, value);
      return true;
    })();
    // A stopped run rejects every job; one no step awaited must not go unhandled.
    run.catch(() => {});
    started.set(step, run);
    return run;
  };
  return Promise.allSettled(steps.map(start));
}
