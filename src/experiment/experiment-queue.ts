import type { Db } from '../db/types.js';
import type { JobOutcome } from '../executor/job.js';
import { openJobQueue } from '../executor/local-executor.js';
import type { RunExecutor } from '../executor/process-executor.js';
import type { ProgressReporter } from '../executor/progress-reporter.js';
import { type ExperimentJob, type JobEnd, doneOutput, runJobAttempt } from './job-runner.js';

export interface RunOptions {
  db: Db;
  experimentId: number;
  runDir: string;
  concurrency: { engine: number; node: number };
  maxAttempts: number;
  // Where the jobs' processes run (default: here).
  executor?: RunExecutor;
  signal: AbortSignal;
  // One display for the whole run.
  progress: ProgressReporter;
  // Counts for the closing summary line.
  tally: { ran: number; reused: number; failed: number };
}

// The failures worth another attempt (a final failure already spent its tries inside the job,
// e.g. failed array tasks retried alone; a command that cannot start will not start next time).
const RETRY_ON = [
  'exit',
  'signal',
  'timeout',
  'no-response',
  'bad-response',
  'missing-output',
  'bad-output',
  'bad-result',
  'error',
];

// The experiment's jobs, submitted as their inputs become ready, all through one local-executor
// queue (per-pool concurrency, retries, progress, Ctrl-C): a job recorded done is reused
// without running; each attempt records itself (job-runner.ts).
export interface ExperimentQueue {
  // Runs (or reuses) a job; resolves with its end. Rejects only when the run is stopped.
  run<T>(job: ExperimentJob): Promise<JobEnd<T>>;
  // Waits for every job, then throws what stopped the run, if anything did.
  close(): Promise<void>;
}

export function openExperimentQueue(options: RunOptions): ExperimentQueue {
  const queue = openJobQueue<unknown>({
    concurrency: options.concurrency,
    maxParallel: options.concurrency.engine + options.concurrency.node,
    retry: { maxAttempts: options.maxAttempts, retryOn: RETRY_ON },
    reporter: options.progress,
    signal: options.signal,
    resumeHint: 'what finished is recorded; run the same command again to resume',
    onJobDone(record) {
      if (record.outcome.ok) options.tally.ran++;
      else options.tally.failed++;
    },
  });
  return {
    async run<T>(job: ExperimentJob): Promise<JobEnd<T>> {
      const reused = doneOutput(options.db, options.experimentId, options.runDir, job.spec.key);
      if (reused) {
        options.progress.reused(job.label);
        options.tally.reused++;
        return reused as JobEnd<T>;
      }
      let end: JobEnd<unknown> | undefined;
      await queue.submit({
        key: job.spec.key,
        kind: job.pool,
        label: job.label,
        async run({ signal }): Promise<JobOutcome> {
          try {
            end = await runJobAttempt(
              options.db,
              options.experimentId,
              options.runDir,
              job,
              signal,
              options.executor,
            );
          } catch (error) {
            end = {
              ok: false,
              key: job.spec.key,
              reason: 'error',
              message: String(error),
              logPath: '',
            };
            throw error;
          }
          if (end.ok) return { ok: true };
          return {
            ok: false,
            reason: end.final ? 'final' : end.reason,
            message: end.message,
            logPath: end.logPath,
          };
        },
      });
      return end as JobEnd<T>;
    },
    close: () => queue.close(),
  };
}
