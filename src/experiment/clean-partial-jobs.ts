import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

// Removes the partial folders of attempts that an earlier, killed orchestrator left behind.
// Called under the run lock, so no other live orchestrator owns any of them.
export async function cleanPartialJobs(runDir: string): Promise<number> {
  const jobsDir = join(runDir, 'jobs');
  const names = await readdir(jobsDir).catch(() => [] as string[]);
  const stale = names.filter((name) => /\.partial-\d+-\d+$/.test(name));
  await Promise.all(stale.map((name) => rm(join(jobsDir, name), { recursive: true, force: true })));
  return stale.length;
}
