import type { Db } from '../db/types.js';
import type { RunExecutor } from '../executor/process-executor.js';
import { type ExperimentJob, type JobEnd, doneOutput, runJobAttempt } from './job-runner.js';
import type { Progress } from './progress.js';

export interface StageOptions {
  db: Db;
  experimentId: number;
  runDir: string;
  concurrency: { engine: number; node: number };
  maxAttempts: number;
  // Where the jobs' processes run (default: here).
  executor?: RunExecutor;
  signal: AbortSignal;
  progress: Progress;
}

// Runs a stage's jobs: those recorded done are reused, the others run under the per-pool
// concurrency limits, each retried up to maxAttempts. Returns every job's end, by key.
export async function runStage(
  jobs: ExperimentJob[],
  options: StageOptions,
): Promise<Map<string, JobEnd<unknown>>> {
  const ends = new Map<string, JobEnd<unknown>>();
  const pending: ExperimentJob[] = [];
  for (const job of jobs) {
    const reused = doneOutput(options.db, options.experimentId, options.runDir, job.spec.key);
    if (reused) {
      ends.set(job.spec.key, reused);
      options.progress.skipped(job.label);
    } else {
      pending.push(job);
    }
  }
  const pools = {
    engine: pending.filter((j) => j.pool === 'engine'),
    node: pending.filter((j) => j.pool === 'node'),
  };
  await Promise.all(
    (['engine', 'node'] as const).map((pool) =>
      runPool(pools[pool], Math.max(1, options.concurrency[pool]), async (job) => {
        ends.set(job.spec.key, await runWithRetries(job, options));
      }),
    ),
  );
  return ends;
}

async function runWithRetries(job: ExperimentJob, options: StageOptions): Promise<JobEnd<unknown>> {
  for (let attempt = 1; ; attempt++) {
    options.progress.started(job.label);
    const startedAt = Date.now();
    const end = await runJobAttempt(
      options.db,
      options.experimentId,
      options.runDir,
      job,
      options.signal,
      options.executor,
    );
    if (end.ok) {
      options.progress.finished(job.label, (Date.now() - startedAt) / 1000);
      return end;
    }
    // A final failure already spent its tries inside the job (failed array tasks retried alone).
    const retry = !end.final && attempt < options.maxAttempts && !options.signal.aborted;
    options.progress.failed(job.label, end.message, end.logPath, retry);
    if (!retry) return end;
  }
}

async function runPool<T>(
  items: T[],
  limit: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await run(item);
    }
  });
  await Promise.all(workers);
}
