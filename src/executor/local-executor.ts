import { availableParallelism } from 'node:os';
import { UserError, isUserError } from '../errors.js';
import {
  type Job,
  type JobOutcome,
  type JobRecord,
  NO_RETRY,
  type RetryPolicy,
  shouldRetry,
} from './job.js';
import {
  holdInterruptHandlers,
  interruptSignal,
  interruptedBy,
  signalExitCode,
} from './process-groups.js';
import {
  type ProgressMode,
  type ProgressReporter,
  type ProgressStream,
  createProgressReporter,
} from './progress-reporter.js';

// How the local executor runs a batch of jobs.
export interface LocalExecutorOptions {
  // Most jobs of a kind running at once; kinds not listed get `defaultConcurrency`.
  // Default { engine: 1 }: engines (train/predict) use the whole machine (or GPU) one at a time.
  concurrency?: Readonly<Record<string, number>>;
  // For kinds not in `concurrency` (default: the number of CPUs).
  defaultConcurrency?: number;
  // Most jobs running at once in all (default: the number of CPUs).
  maxParallel?: number;
  retry?: RetryPolicy;
  // Called once per job as soon as it is finished (after its last attempt), in finishing order,
  // so the caller can record it; a throw here stops the run (it is a bug or a broken database).
  onJobDone?: (record: JobRecord<unknown>) => void | Promise<void>;
  progress?: ProgressMode;
  // A reporter shared by several calls (e.g. every stage of an experiment); the caller stops it.
  reporter?: ProgressReporter;
  progressStream?: ProgressStream;
  title?: string;
  // Aborting it cancels the run like Ctrl-C does.
  signal?: AbortSignal;
  // Added to the interrupt error's hint, e.g. "run the same command again to resume".
  resumeHint?: string;
}

// The default concurrency: engine jobs one at a time.
export const DEFAULT_CONCURRENCY: Readonly<Record<string, number>> = { engine: 1 };

// Runs jobs on this machine under per-kind concurrency limits, retrying per policy, showing
// progress, and reporting each finished job through onJobDone. Resolves with one record per
// job, in the order given (failed jobs included: a failure is an outcome, not an exception).
// On SIGINT/SIGTERM (or options.signal) every running job is cancelled, nothing new starts,
// and the promise rejects with a UserError (exit code 130 / 143) once all have stopped.
// A job that throws a UserError stops the run the same way and rejects with that error; any
// other throw is recorded as a failed job with reason 'error'.
export async function runJobs<T>(
  jobs: readonly Job<T>[],
  options: LocalExecutorOptions = {},
): Promise<JobRecord<T>[]> {
  const keys = new Set<string>();
  for (const job of jobs) {
    if (keys.has(job.key)) throw new Error(`runJobs: duplicate job key ${job.key}`);
    keys.add(job.key);
  }
  const cpus = availableParallelism();
  const limits = { ...DEFAULT_CONCURRENCY, ...options.concurrency };
  const limitOf = (kind: string) => Math.max(1, limits[kind] ?? options.defaultConcurrency ?? cpus);
  const maxParallel = Math.max(1, options.maxParallel ?? cpus);
  const retry = options.retry ?? NO_RETRY;
  const progress =
    options.reporter ??
    createProgressReporter(jobs.length, {
      mode: options.progress,
      stream: options.progressStream,
      title: options.title,
    });
  const release = holdInterruptHandlers();
  const cancel = new AbortController();
  // The reason (e.g. 'SIGINT') reaches the jobs, whose logs then say why they were stopped.
  const onCancel = () =>
    cancel.abort(interruptSignal().aborted ? interruptSignal().reason : options.signal?.reason);
  interruptSignal().addEventListener('abort', onCancel);
  options.signal?.addEventListener('abort', onCancel);
  if (interruptSignal().aborted || options.signal?.aborted) onCancel();

  const queue: { job: Job<T>; attempt: number; startedAt?: Date }[] = jobs.map((job) => ({
    job,
    attempt: 1,
  }));
  const records = new Map<string, JobRecord<T>>();
  const running = new Map<string, number>();
  let active = 0;
  let fatal: unknown;

  try {
    await new Promise<void>((resolve) => {
      const pump = () => {
        if (cancel.signal.aborted) queue.length = 0;
        if (queue.length === 0 && active === 0) return resolve();
        for (let i = 0; i < queue.length && active < maxParallel; ) {
          const entry = queue[i]!;
          const kind = entry.job.kind;
          if ((running.get(kind) ?? 0) >= limitOf(kind)) {
            i++;
            continue;
          }
          queue.splice(i, 1);
          running.set(kind, (running.get(kind) ?? 0) + 1);
          active += 1;
          entry.startedAt ??= new Date();
          progress.started(entry.job, entry.attempt);
          attempt(entry.job, entry.attempt, cancel.signal).then(
            async (outcome) => {
              running.set(kind, (running.get(kind) ?? 1) - 1);
              active -= 1;
              try {
                if (cancel.signal.aborted && !outcome.ok) return;
                if (shouldRetry(retry, outcome, entry.attempt) && !outcome.ok) {
                  progress.retrying(
                    entry.job,
                    entry.attempt + 1,
                    `${outcome.reason}: ${outcome.message}`,
                  );
                  queue.unshift({ ...entry, attempt: entry.attempt + 1 });
                  return;
                }
                const record: JobRecord<T> = {
                  key: entry.job.key,
                  kind,
                  label: entry.job.label,
                  outcome,
                  attempts: entry.attempt,
                  startedAt: entry.startedAt!,
                  finishedAt: new Date(),
                };
                records.set(record.key, record);
                progress.finished(record);
                await options.onJobDone?.(record);
              } catch (error) {
                fatal ??= error;
                cancel.abort();
              } finally {
                pump();
              }
            },
            (error: unknown) => {
              // A UserError from a job: stop everything and report it.
              running.set(kind, (running.get(kind) ?? 1) - 1);
              active -= 1;
              fatal ??= error;
              cancel.abort();
              pump();
            },
          );
        }
      };
      cancel.signal.addEventListener('abort', pump);
      pump();
    });
  } finally {
    if (!options.reporter) progress.stop();
    interruptSignal().removeEventListener('abort', onCancel);
    options.signal?.removeEventListener('abort', onCancel);
    release();
  }
  if (fatal !== undefined) throw fatal;
  if (cancel.signal.aborted) throw interruptError(jobs.length - records.size, options.resumeHint);
  return jobs.map((job) => records.get(job.key)!);
}

// One attempt; a thrown non-user error becomes a failed outcome with reason 'error'.
async function attempt<T>(
  job: Job<T>,
  attemptNumber: number,
  signal: AbortSignal,
): Promise<JobOutcome<T>> {
  try {
    return await job.run({ signal, attempt: attemptNumber });
  } catch (error) {
    if (isUserError(error)) throw error;
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return { ok: false, reason: 'error', message: `internal error: ${message}` };
  }
}

function interruptError(unfinished: number, resumeHint: string | undefined): UserError {
  const signal = interruptedBy();
  const what = signal ? `interrupted by ${signal}` : 'cancelled';
  return new UserError(
    `${what}: ${unfinished} job(s) not finished; every started process was stopped`,
    {
      hint: resumeHint,
      exitCode: signal ? signalExitCode(signal) : 130,
    },
  );
}
