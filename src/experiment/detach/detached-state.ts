import type { DetachedJob } from '../../db/detached-jobs.js';
import type { Db } from '../../db/types.js';
import type { ExperimentSettings } from '../experiment-settings.js';
import { followDetached } from './follow-detached.js';
import { liveDetachedJobs } from './live-detached.js';

// Where a run stands with the jobs an earlier --detach queued: those still queued or running
// (`live`), and whether this run followed them to the end or was stopped while following.
export interface DetachedState {
  live: DetachedJob[];
  following?: 'done' | 'stopped';
}

// With --detach, the live jobs are kept as they are (and not queued twice). Without it, the run
// follows them until they have all left the queue; then nothing of the run runs elsewhere, and
// the run goes on as a resume: what they finished is reused, what failed runs again here.
export async function detachedState(
  db: Db,
  experimentId: number,
  settings: ExperimentSettings,
  signal: AbortSignal,
): Promise<DetachedState> {
  const live = await liveDetachedJobs(db, experimentId);
  if (live.length === 0 || settings.detach) return { live };
  const pollSeconds = settings.executor.kind === 'slurm' ? settings.executor.pollSeconds : 5;
  const following = await followDetached(db, experimentId, live, { pollSeconds, signal });
  return { live: following === 'done' ? [] : live, following };
}
