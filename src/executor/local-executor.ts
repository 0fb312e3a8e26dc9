import { availableParallelism } from 'node:os';
import { UserError, isUserError } from '../errors.js';
import { isSystemFault } from '../system-faults.js';
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
// A job that throws a UserError or a fault of the machine (a full disk: src/system-faults.ts)
// stops the run the same way and rejects with that error; any
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
  const queue = openJobQueue<T>({ ...options, total: jobs.length });
  const finished = jobs.map((job) => queue.submit(job));
  await queue.close();
  return Promise.all(finished);
}

// Jobs submitted while others run: what a run with dependencies uses, each job submitted as
// soon as its inputs exist, all sharing one set of concurrency limits.
export interface JobQueue<T> {
  // Queues a job (after those already waiting); resolves with its record once it has finished
  // (after its last attempt). Rejects with the error that stopped the queue (an interrupt, the
  // signal, a UserError from a job) if it stops first.
  submit(job: Job<T>): Promise<JobRecord<T>>;
  // Waits until nothing is queued or running, then releases the interrupt handlers and stops
  // the progress display it made. Throws what stopped the queue, if anything did. Jobs submitted
  // after close() has begun waiting still run (a job's end may lead to the next job).
  close(): Promise<void>;
}

// Opens a queue with runJobs' behaviour (limits, retries, progress, interrupts). `total` sizes
// the progress display when the queue makes its own.
export function openJobQueue<T>(options: LocalExecutorOptions & { total?: number }): JobQueue<T> {
  const cpus = availableParallelism();
  const limits = { ...DEFAULT_CONCURRENCY, ...options.concurrency };
  const limitOf = (kind: string) => Math.max(1, limits[kind] ?? options.defaultConcurrency ?? cpus);
  const maxParallel = Math.max(1, options.maxParallel ?? cpus);
  const retry = options.retry ?? NO_RETRY;
  const progress =
    options.reporter ??
    createProgressReporter(options.total ?? 0, {
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

  type Entry = {
    job: Job<T>;
    attempt: number;
    startedAt?: Date;
    resolve: (record: JobRecord<T>) => void;
    reject: (error: unknown) => void;
  };
  const queue: Entry[] = [];
  const running = new Map<string, number>();
  const unsettled = new Set<Entry>();
  let active = 0;
  let fatal: unknown;
  let stopError: unknown;
  let idle: (() => void) | undefined;

  // The error every unfinished job (and close) ends with once the queue is stopped.
  const stopped = () => {
    stopError ??= fatal ?? interruptError(unsettled.size, options.resumeHint);
    return stopError;
  };
  const pump = () => {
    if (cancel.signal.aborted) {
      queue.length = 0;
      if (active === 0) {
        const error = stopped();
        for (const entry of unsettled) entry.reject(error);
        unsettled.clear();
      }
    }
    for (let i = 0; i < queue.length && active < maxParallel; ) {
      const entry = queue[i]!;
      const kind = entry.job.kind;
      if ((running.get(kind) ?? 0) >= limitOf(kind)) {
        i++;
        continue;
      }
      queue.splice(i, 1);
      start(entry);
    }
    if (queue.length === 0 && active === 0) idle?.();
  };
  const start = (entry: Entry) => {
    const kind = entry.job.kind;
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
          progress.finished(record);
          await options.onJobDone?.(record);
          unsettled.delete(entry);
          entry.resolve(record);
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
  };
  cancel.signal.addEventListener('abort', pump);
  if (interruptSignal().aborted || options.signal?.aborted) onCancel();

  return {
    submit(job) {
      const finished = new Promise<JobRecord<T>>((resolve, reject) => {
        const entry: Entry = { job, attempt: 1, resolve, reject };
        unsettled.add(entry);
        if (cancel.signal.aborted) {
          unsettled.delete(entry);
          reject(stopped());
          return;
        }
        queue.push(entry);
      });
      // A caller may hold the promise a while before awaiting it: never an unhandled rejection.
      finished.catch(() => {});
      pump();
      return finished;
    },
    async close() {
      try {
        // Let callers react to finished jobs (and submit more) before deciding it is idle.
        for (;;) {
          if (queue.length > 0 || active > 0)
            await new Promise<void>((resolve) => {
              idle = resolve;
            });
          await new Promise((resolve) => setImmediate(resolve));
          if (queue.length === 0 && active === 0) break;
        }
      } finally {
        idle = undefined;
        if (!options.reporter) progress.stop();
        interruptSignal().removeEventListener('abort', onCancel);
        options.signal?.removeEventListener('abort', onCancel);
        release();
      }
      if (fatal !== undefined) throw fatal;
      if (cancel.signal.aborted) throw stopped();
    },
  };
}

// One attempt; a thrown error that is neither the user's nor the machine's (a full disk, a
// damaged database: it would fail every job alike) becomes a failed outcome with reason 'error'.
async function attempt<T>(
  job: Job<T>,
  attemptNumber: number,
  signal: AbortSignal,
): Promise<JobOutcome<T>> {
  try {
    return await job.run({ signal, attempt: attemptNumber });
  } catch (error) {
    if (isUserError(error) || isSystemFault(error)) throw error;
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
