import { type SQL, and, eq, inArray, sql } from 'drizzle-orm';
import { chunksOf } from './chunks.js';
import { type JobStatus, type OutputFile, jobs } from './schema.js';
import type { DbWriter } from './types.js';

export type Job = typeof jobs.$inferSelect;

// A job of the plan: its deterministic key and what it is for.
export interface JobSpec {
  key: string;
  kind: string;
  method?: string | null;
  seed?: number | null;
  budget?: number | null;
  // The active-learning round (1 unless al-run --rounds asks for more).
  round?: number;
}

// What a job cost, measured on its process tree.
export interface JobCost {
  wallS: number;
  cpuS: number;
  peakRssBytes: number;
  diskBytes: number;
}

export interface JobStart {
  logPath?: string | null;
  executor?: string | null;
  externalId?: string | null;
}

export interface JobDone {
  cost: JobCost;
  output?: unknown;
  // The files it wrote, to verify before they are used again (src/experiment/output-files.ts).
  outputs?: OutputFile[] | null;
  exitCode?: number | null;
}

export interface JobFailure {
  // Short and stable, e.g. 'exit-code', 'timeout', 'no-response', 'cancelled'.
  reason: string;
  message?: string | null;
  exitCode?: number | null;
  cost?: JobCost | null;
}

export interface JobFilter {
  status?: JobStatus | readonly JobStatus[];
  kind?: string;
  method?: string;
}

const cleared = {
  wallS: null,
  cpuS: null,
  peakRssBytes: null,
  diskBytes: null,
  exitCode: null,
  reason: null,
  message: null,
  finishedAt: null,
  output: null,
  outputs: null,
} as const;

// Records planned jobs as pending; jobs already recorded (in any status) are left as they are.
export function planJobs(db: DbWriter, experimentId: number, specs: readonly JobSpec[]): void {
  db.transaction(
    (tx) => {
      for (const chunk of chunksOf(specs)) {
        tx.insert(jobs)
          .values(chunk.map((spec) => specValues(experimentId, spec)))
          .onConflictDoNothing()
          .run();
      }
    },
    { behavior: 'immediate' },
  );
}

// The job recorded under that key, in any status.
export function findJob(db: DbWriter, experimentId: number, key: string): Job | undefined {
  return db
    .select()
    .from(jobs)
    .where(and(eq(jobs.experimentId, experimentId), eq(jobs.key, key)))
    .get();
}

// The job under that key if it finished successfully: resume skips it.
export function findDoneJob(db: DbWriter, experimentId: number, key: string): Job | undefined {
  const job = findJob(db, experimentId, key);
  return job?.status === 'done' ? job : undefined;
}

// Marks a job running (recording it if the plan was not), counting one more attempt and clearing
// what an earlier attempt left. A job already done is a bug: resume must skip it.
export function markJobRunning(
  db: DbWriter,
  experimentId: number,
  spec: JobSpec,
  start: JobStart = {},
): Job {
  return db.transaction(
    (tx) => {
      const recorded = findJob(tx, experimentId, spec.key);
      if (recorded?.status === 'done') {
        throw new Error(`bug: job ${spec.key} is already done and must not run again`);
      }
      const running = {
        status: 'running' as const,
        startedAt: new Date().toISOString(),
        logPath: start.logPath ?? null,
        executor: start.executor ?? null,
        externalId: start.externalId ?? null,
        ...cleared,
      };
      return tx
        .insert(jobs)
        .values({ ...specValues(experimentId, spec), ...running, attempts: 1 })
        .onConflictDoUpdate({
          target: [jobs.experimentId, jobs.key],
          set: { ...running, attempts: sql`${jobs.attempts} + 1` },
        })
        .returning()
        .get();
    },
    { behavior: 'immediate' },
  );
}

// Records where a running job was submitted (the Slurm job id), to re-attach to it on resume.
export function setJobExternalId(db: DbWriter, jobId: number, externalId: string): void {
  db.update(jobs).set({ externalId }).where(eq(jobs.id, jobId)).run();
}

// Marks a job done and records its results in ONE transaction: writeResults gets the
// transaction to write scores, selections or metrics through, so a process killed at any point
// leaves either the results and the done status, or neither.
export function markJobDone(
  db: DbWriter,
  jobId: number,
  done: JobDone,
  writeResults?: (tx: DbWriter) => void,
): Job {
  return db.transaction(
    (tx) => {
      writeResults?.(tx);
      return finishJob(tx, jobId, {
        ...cleared,
        ...costValues(done.cost),
        status: 'done',
        exitCode: done.exitCode ?? null,
        output: done.output ?? null,
        outputs: done.outputs ?? null,
        finishedAt: new Date().toISOString(),
      });
    },
    { behavior: 'immediate' },
  );
}

// Marks a job failed with its reason and, when measured, what it cost.
export function markJobFailed(db: DbWriter, jobId: number, failure: JobFailure): Job {
  return db.transaction(
    (tx) =>
      finishJob(tx, jobId, {
        ...cleared,
        ...(failure.cost ? costValues(failure.cost) : {}),
        status: 'failed',
        reason: failure.reason,
        message: failure.message ?? null,
        exitCode: failure.exitCode ?? null,
        finishedAt: new Date().toISOString(),
      }),
    { behavior: 'immediate' },
  );
}

// Marks done jobs to be run again (their outputs were removed or changed, or an input of theirs
// was): status 'pending' with the reason 'stale' and why. Their rows are overwritten when they
// finish again (scores and metrics are upserted, selections re-recorded).
export function markJobsStale(
  db: DbWriter,
  experimentId: number,
  stale: readonly { key: string; message: string }[],
): void {
  db.transaction(
    (tx) => {
      for (const job of stale) {
        tx.update(jobs)
          .set({ ...cleared, status: 'pending', reason: 'stale', message: job.message })
          .where(and(eq(jobs.experimentId, experimentId), eq(jobs.key, job.key)))
          .run();
      }
    },
    { behavior: 'immediate' },
  );
}

// The experiment's jobs in the order they were recorded, optionally filtered.
export function listJobs(db: DbWriter, experimentId: number, filter: JobFilter = {}): Job[] {
  const conditions: SQL[] = [eq(jobs.experimentId, experimentId)];
  if (filter.status !== undefined) {
    const statuses = typeof filter.status === 'string' ? [filter.status] : [...filter.status];
    conditions.push(inArray(jobs.status, statuses));
  }
  if (filter.kind !== undefined) conditions.push(eq(jobs.kind, filter.kind));
  if (filter.method !== undefined) conditions.push(eq(jobs.method, filter.method));
  return db
    .select()
    .from(jobs)
    .where(and(...conditions))
    .orderBy(jobs.id)
    .all();
}

function finishJob(tx: DbWriter, jobId: number, set: Partial<typeof jobs.$inferInsert>): Job {
  const recorded = tx.select({ status: jobs.status }).from(jobs).where(eq(jobs.id, jobId)).get();
  if (recorded === undefined) throw new Error(`bug: no job with id ${jobId}`);
  if (recorded.status === 'done') throw new Error(`bug: job ${jobId} is already done`);
  const job = tx.update(jobs).set(set).where(eq(jobs.id, jobId)).returning().get();
  if (job === undefined) throw new Error(`bug: no job with id ${jobId}`);
  return job;
}

function costValues(cost: JobCost): JobCost {
  return {
    wallS: cost.wallS,
    cpuS: cost.cpuS,
    peakRssBytes: Math.round(cost.peakRssBytes),
    diskBytes: Math.round(cost.diskBytes),
  };
}

function specValues(experimentId: number, spec: JobSpec): typeof jobs.$inferInsert {
  return {
    experimentId,
    key: spec.key,
    kind: spec.kind,
    method: spec.method ?? null,
    seed: spec.seed ?? null,
    budget: spec.budget ?? null,
    round: spec.round ?? 1,
  };
}
