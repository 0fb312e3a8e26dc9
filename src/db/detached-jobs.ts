import { asc, eq } from 'drizzle-orm';
import { detachedJobs } from './schema.js';
import type { DbWriter } from './types.js';

export type DetachedJob = typeof detachedJobs.$inferSelect;

// Records the Slurm job a detached run submitted for a key (replacing an earlier submission of
// the same key), as soon as sbatch answered: a run killed while it submits loses no id.
export function recordDetachedJob(
  db: DbWriter,
  experimentId: number,
  job: { key: string; slurmId: string; dependsOn: readonly string[] },
): void {
  const values = {
    experimentId,
    key: job.key,
    slurmId: job.slurmId,
    dependsOn: job.dependsOn.join(','),
    submittedAt: new Date().toISOString(),
  };
  db.insert(detachedJobs)
    .values(values)
    .onConflictDoUpdate({ target: [detachedJobs.experimentId, detachedJobs.key], set: values })
    .run();
}

// Every job a detached run of the experiment submitted, by key.
export function listDetachedJobs(db: DbWriter, experimentId: number): DetachedJob[] {
  return db
    .select()
    .from(detachedJobs)
    .where(eq(detachedJobs.experimentId, experimentId))
    .orderBy(asc(detachedJobs.key))
    .all();
}
