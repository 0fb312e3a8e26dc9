import { type DetachedJob, listDetachedJobs } from '../../db/detached-jobs.js';
import type { DbWriter } from '../../db/types.js';
import { checkSlurmReachable, listQueuedJobs } from '../../executor/slurm/slurm-cli.js';

// The jobs an earlier --detach queued for this experiment that Slurm still has queued or
// running (none, without asking Slurm, when no --detach ever ran here).
export async function liveDetachedJobs(db: DbWriter, experimentId: number): Promise<DetachedJob[]> {
  const recorded = listDetachedJobs(db, experimentId);
  if (recorded.length === 0) return [];
  await checkSlurmReachable();
  const queued = await listQueuedJobs();
  return recorded.filter((job) => queued.has(job.slurmId));
}
