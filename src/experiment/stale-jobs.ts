import { jobDir } from '../db/job-keys.js';
import { type Job, listJobs, markJobsStale } from '../db/jobs.js';
import type { Db } from '../db/types.js';
import { findChangedOutputs } from './output-files.js';

// A done job that must run again, and why: its own files changed, or it may have read the files
// of the job `after`, which changed.
export interface StaleJob {
  key: string;
  message: string;
  after?: string;
}

// The done jobs whose recorded files were removed or changed, then every done job that started
// after one of them finished: only those can have read its files (a job starts once its inputs
// are done), so they are redone too. This may redo a job that did not read them: the results are
// the same, only time is spent. With `hash`, each file's sha256 is compared, else its size.
export async function findStaleJobs(
  jobs: readonly Job[],
  runDir: string,
  options: { hash: boolean },
): Promise<StaleJob[]> {
  const done = jobs.filter((job) => job.status === 'done');
  const broken: { job: Job; problems: string[] }[] = [];
  for (const job of done) {
    const problems = await findChangedOutputs(jobDir(runDir, job.key), job.outputs, options);
    if (problems.length > 0) broken.push({ job, problems });
  }
  const stale = new Map<string, StaleJob>();
  for (const { job, problems } of broken) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    stale.set(job.key, { key: job.key, message: `${problems[0]}${more}` });
  }
  for (const { job } of broken) {
    for (const later of done) {
      if (stale.has(later.key) || !startedAfter(later, job)) continue;
      const message = `it may have read the files of ${job.key}, which changed`;
      stale.set(later.key, { key: later.key, message, after: job.key });
    }
  }
  return [...stale.values()];
}

// The stale jobs in a few lines: each changed job and why, then how many started after it.
export function describeStaleJobs(stale: readonly StaleJob[]): string {
  return stale
    .filter((s) => s.after === undefined)
    .map((s) => {
      const later = stale.filter((l) => l.after === s.key).map((l) => l.key);
      const then =
        later.length > 0
          ? `\n    and ${later.length} job(s) that started after it: ${later.join(', ')}`
          : '';
      return `  ${s.key}: ${s.message}${then}`;
    })
    .join('\n');
}

function startedAfter(job: Job, other: Job): boolean {
  return job.startedAt !== null && other.finishedAt !== null && job.startedAt >= other.finishedAt;
}

// Before a resume: finds the stale jobs (sha256 of every recorded file), says which and why,
// and marks them to run again.
export async function rerunStaleJobs(db: Db, experimentId: number, runDir: string) {
  const jobs = listJobs(db, experimentId, { status: 'done' });
  const stale = await findStaleJobs(jobs, runDir, { hash: true });
  if (stale.length === 0) return;
  process.stderr.write(
    `${stale.length} finished job(s) run again because files they wrote or read were removed or changed:\n${describeStaleJobs(stale)}\n`,
  );
  markJobsStale(db, experimentId, stale);
}
