import type { Db } from '../db/types.js';
import type { JobOutcome } from '../executor/job.js';
import { runJobs } from '../executor/local-executor.js';
import type { RunExecutor } from '../executor/process-executor.js';
import type { ProgressReporter } from '../executor/progress-reporter.js';
import { type ExperimentJob, type JobEnd, doneOutput, runJobAttempt } from './job-runner.js';

export interface StageOptions {
  db: Db;
  experimentId: number;
  runDir: string;
  concurrency: { engine: number; node: number };
  maxAttempts: number;
  // Where the jobs' processes run (default: here).
  executor?: RunExecutor;
  signal: AbortSignal;
  // One display for the whole run, shared by its stages.
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

// Runs a stage's jobs through the local executor (per-pool concurrency, retries, progress,
// Ctrl-C): jobs recorded done are reused; each attempt records itself (job-runner.ts). Returns
// every job's end, by key.
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
      options.progress.reused(job.label);
      options.tally.reused++;
    } else pending.push(job);
  }
  await runJobs(
    pending.map((job) => ({
      key: job.spec.key,
      kind: job.pool,
      label: job.label,
      async run({ signal }): Promise<JobOutcome> {
        let end: JobEnd<unknown>;
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
          ends.set(job.spec.key, {
            ok: false,
            key: job.spec.key,
            reason: 'error',
            message: String(error),
            logPath: '',
          });
          throw error;
        }
        ends.set(job.spec.key, end);
        if (end.ok) return { ok: true };
        return {
          ok: false,
          reason: end.final ? 'final' : end.reason,
          message: end.message,
          logPath: end.logPath,
        };
      },
    })),
    {
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
    },
  );
  return ends;
}
