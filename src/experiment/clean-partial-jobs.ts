import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { stopOrphanedGroups } from '../executor/orphan-groups.js';

// Removes the partial folders of attempts that an earlier, killed orchestrator left behind,
// after stopping the processes those attempts still had running here (an engine orphaned by
// kill -9). Called under the run lock, so no other live orchestrator owns any of them. Folders
// in `keep` (attempts whose Slurm jobs a restarted run re-attaches to) stay. Returns how many
// folders were removed, and the processes stopped in each (to tell the user).
export async function cleanPartialJobs(
  runDir: string,
  keep: ReadonlySet<string> = new Set(),
): Promise<{ removed: number; stopped: { folder: string; processes: number }[] }> {
  const jobsDir = join(runDir, 'jobs');
  const names = await readdir(jobsDir).catch(() => [] as string[]);
  const stale = names.filter(
    (name) => /\.partial-\d+-\d+$/.test(name) && !keep.has(join(jobsDir, name)),
  );
  const stopped: { folder: string; processes: number }[] = [];
  for (const name of stale) {
    const processes = await stopOrphanedGroups(join(jobsDir, name));
    if (processes > 0) stopped.push({ folder: join(jobsDir, name), processes });
  }
  await Promise.all(stale.map((name) => rm(join(jobsDir, name), { recursive: true, force: true })));
  return { removed: stale.length, stopped };
}

// The line that tells the user which orphans were stopped; empty when there were none.
export function describeStoppedOrphans(stopped: { folder: string; processes: number }[]): string {
  if (stopped.length === 0) return '';
  const total = stopped.reduce((n, s) => n + s.processes, 0);
  const where = stopped.map((s) => `  ${s.folder}: ${s.processes}`).join('\n');
  return `stopped ${total} process(es) that an earlier run, killed before it could stop them, left running (its jobs are redone):\n${where}\n`;
}
