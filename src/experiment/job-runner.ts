import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { jobDir } from '../db/job-keys.js';
import {
  type JobSpec,
  findDoneJob,
  findJob,
  markJobDone,
  markJobFailed,
  markJobRunning,
  setJobExternalId,
} from '../db/jobs.js';
import type { Db } from '../db/types.js';
import type { DbWriter } from '../db/types.js';
import type { JobCost } from '../executor/cost-meter.js';
import {
  type JobExecutor,
  type RunExecutor,
  localRunExecutor,
} from '../executor/process-executor.js';
import { recordOutputFiles } from './output-files.js';

let attemptCounter = 0;

// One job of an experiment: its recorded identity, which pool it runs in, and its work.
export interface ExperimentJob<T = unknown> {
  spec: JobSpec;
  // Engine jobs (train/predict) and node jobs (score/evaluate) have their own concurrency.
  pool: 'engine' | 'node';
  // The file in the job's folder its subprocess logs to (recorded as the job's log).
  logFile: string;
  label: string;
  // Does the work into `dir`, a fresh folder that becomes the job's folder when it succeeds.
  // Paths in the output are relative to `dir`. Its subprocess runs through `executor`.
  work(dir: string, signal: AbortSignal, executor: JobExecutor): Promise<WorkOutcome<T>>;
  // Rows to write in the same transaction that marks the job done.
  record?(tx: DbWriter, output: T): void;
}

export type WorkOutcome<T> =
  | { ok: true; output: T; cost: JobCost; logPath: string }
  | {
      ok: false;
      reason: string;
      message: string;
      cost?: JobCost;
      logPath: string;
      logTail?: string;
      exitCode?: number;
      // The job already retried what failed (array tasks, alone): do not run it again.
      final?: boolean;
    };

// A job that ended: its output (done now or on an earlier run), or why it failed.
export type JobEnd<T> =
  | { ok: true; key: string; dir: string; output: T; reused: boolean }
  | { ok: false; key: string; reason: string; message: string; logPath: string; final?: boolean };

// The recorded output of a job already done (resume), when its folder is still there.
export function doneOutput<T>(
  db: Db,
  experimentId: number,
  runDir: string,
  key: string,
): JobEnd<T> | undefined {
  const done = findDoneJob(db, experimentId, key);
  const dir = jobDir(runDir, key);
  if (!done || !existsSync(dir)) return undefined;
  return { ok: true, key, dir, output: done.output as T, reused: true };
}

// Runs one attempt of a job: the work goes to DIR.partial-PID-N, which is renamed to DIR when
// it succeeds, and the done status and the job's rows are written in one transaction. A run
// killed anywhere leaves either a finished job or one to redo, never a half-recorded one. Each
// attempt has its own partial folder, so an engine orphaned by a killed orchestrator cannot
// write into the folder of the attempt that redoes its job. An attempt that a killed
// orchestrator left running on Slurm is re-attached to instead: same folder, nothing submitted
// twice (the executor knows what it submitted).
export async function runJobAttempt<T>(
  db: Db,
  experimentId: number,
  runDir: string,
  job: ExperimentJob<T>,
  signal: AbortSignal,
  executor: RunExecutor = localRunExecutor,
): Promise<JobEnd<T>> {
  const dir = jobDir(runDir, job.spec.key);
  const found = executor.takeReattach(job.spec.key);
  const previous = found && findJob(db, experimentId, job.spec.key);
  const reattach = previous ? found : undefined;
  const partial = reattach?.dir ?? `${dir}.partial-${process.pid}-${++attemptCounter}`;
  await mkdir(partial, { recursive: true });
  const recorded =
    previous ||
    markJobRunning(db, experimentId, job.spec, {
      logPath: join(dir, job.logFile),
      executor: executor.name,
    });
  const jobExecutor = executor.forAttempt({
    key: job.spec.key,
    dir: partial,
    pool: job.pool,
    ...(reattach ? { reattach } : {}),
    onSubmitted: (ids) => setJobExternalId(db, recorded.id, ids),
  });
  let outcome: WorkOutcome<T>;
  try {
    outcome = await job.work(partial, signal, jobExecutor);
  } catch (error) {
    try {
      markJobFailed(db, recorded.id, { reason: 'error', message: (error as Error).message });
    } catch {
      // The database cannot be written (e.g. a full disk): the job stays "running", which a
      // resume redoes; the first error is the one to report.
    }
    throw error;
  }
  if (!outcome.ok) {
    markJobFailed(db, recorded.id, {
      reason: outcome.reason,
      message: outcome.message,
      exitCode: outcome.exitCode ?? null,
      cost: outcome.cost ? toDbCost(outcome.cost) : null,
    });
    return {
      ok: false,
      key: job.spec.key,
      reason: outcome.reason,
      message: outcome.message,
      logPath: outcome.logPath,
      ...(outcome.final ? { final: true } : {}),
    };
  }
  await rm(dir, { recursive: true, force: true });
  await rename(partial, dir);
  const done = {
    cost: toDbCost(outcome.cost),
    output: outcome.output,
    outputs: await recordOutputFiles(dir),
  };
  markJobDone(db, recorded.id, done, (tx) => job.record?.(tx, outcome.output));
  return { ok: true, key: job.spec.key, dir, output: outcome.output, reused: false };
}

// The meter's cost in the database's units (CPU and memory 0 where /proc was missing).
export function toDbCost(cost: JobCost) {
  return {
    wallS: cost.wallSeconds,
    cpuS: cost.cpuSeconds ?? 0,
    peakRssBytes: cost.peakRssBytes ?? 0,
    diskBytes: cost.diskBytes,
  };
}
