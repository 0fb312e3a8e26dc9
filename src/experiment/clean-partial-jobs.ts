import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { stopOrphanedGroups } from '../executor/orphan-groups.js';

// Removes the partial folders of attempts that an earlier, killed orchestrator left behind,
// after stopping the processes those attempts still had running here (an engine orphaned by
// kill -9). Called under the run lock, so no other live orchestrator owns any of them. Folders
// in `keep` (attempts whose Slurm jobs a restarted run re-attaches to) stay.
export async function cleanPartialJobs(
  runDir: string,
  keep: ReadonlySet<string> = new Set(),
): Promise<number> {
  const jobsDir = join(runDir, 'jobs');
  const names = await readdir(jobsDir).catch(() => [] as string[]);
  const stale = names.filter(
    (name) => /\.partial-\d+-\d+$/.test(name) && !keep.has(join(jobsDir, name)),
  );
  for (const name of stale) await stopOrphanedGroups(join(jobsDir, name));
  await Promise.all(stale.map((name) => rm(join(jobsDir, name), { recursive: true, force: true })));
  return stale.length;
}
