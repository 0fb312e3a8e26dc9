import type { DetachedJob } from '../../db/detached-jobs.js';
import { listJobs } from '../../db/jobs.js';
import type { DbWriter } from '../../db/types.js';
import { QueueWatcher } from '../../executor/slurm/queue-watcher.js';

// Follows the jobs of a detached run until every one has left Slurm's queue, with a line each
// time the counts change (done, failed, running, waiting: from what the jobs recorded). Ctrl-C
// stops following, not the jobs: they were queued to run without an orchestrator. Resolves
// 'done' once all have left the queue, 'stopped' when `signal` aborted first.
export async function followDetached(
  db: DbWriter,
  experimentId: number,
  live: readonly DetachedJob[],
  o: { pollSeconds: number; signal: AbortSignal },
): Promise<'done' | 'stopped'> {
  const keys = new Set(live.map((job) => job.key));
  let said = '';
  const say = () => {
    const line = describe(db, experimentId, keys);
    if (line !== said) process.stderr.write(`${line}\n`);
    said = line;
  };
  say();
  const watcher = new QueueWatcher(o.pollSeconds);
  const ticker = setInterval(say, Math.max(o.pollSeconds, 1) * 1000);
  let onAbort = () => {};
  const stopped = new Promise<'stopped'>((resolve) => {
    onAbort = () => resolve('stopped');
    if (o.signal.aborted) onAbort();
    o.signal.addEventListener('abort', onAbort);
  });
  try {
    const gone = Promise.all(live.map((job) => watcher.waitGone(job.slurmId))).then(
      () => 'done' as const,
    );
    const ended = await Promise.race([gone, stopped]);
    if (ended === 'done') say();
    else
      process.stderr.write(
        `stopped following; the run's jobs stay queued on Slurm (scancel ${live.map((j) => j.slurmId).join(' ')} stops them)\n`,
      );
    return ended;
  } finally {
    clearInterval(ticker);
    o.signal.removeEventListener('abort', onAbort);
    watcher.close();
  }
}

// "detached run on Slurm: 3 of 12 jobs done, 1 running, 8 waiting": the jobs followed, by
// what they recorded (a job not yet started has no row: it waits in the queue).
function describe(db: DbWriter, experimentId: number, keys: ReadonlySet<string>): string {
  const counts = { done: 0, failed: 0, running: 0 };
  for (const job of listJobs(db, experimentId)) {
    if (!keys.has(job.key)) continue;
    if (job.status === 'done') counts.done += 1;
    else if (job.status === 'failed') counts.failed += 1;
    else if (job.status === 'running') counts.running += 1;
  }
  const waiting = keys.size - counts.done - counts.failed - counts.running;
  const failed = counts.failed > 0 ? `, ${counts.failed} failed` : '';
  return `detached run on Slurm: ${counts.done} of ${keys.size} jobs done, ${counts.running} running, ${waiting} waiting${failed}`;
}
