import { listJobs } from '../../db/jobs.js';
import { createRunExecutor } from '../../executor/create-run-executor.js';
import { createProgressReporter } from '../../executor/progress-reporter.js';
import { cleanPartialJobs, describeStoppedOrphans } from '../clean-partial-jobs.js';
import { openExperimentQueue } from '../experiment-queue.js';
import { rerunStaleJobs } from '../stale-jobs.js';
import {
  type RevisionRound,
  type RoundJobsOutcome,
  runRevisionRound,
} from './revision-round-jobs.js';

// A round's jobs run as al-run runs its own (called under the run lock): partial folders of a
// killed attempt cleaned, stale jobs redone, every job through the queue (reused when done,
// metered and recorded when run), Ctrl-C stopping them all.
export async function runRoundJobs(
  round: Omit<RevisionRound, 'queue'>,
  signal: AbortSignal,
): Promise<RoundJobsOutcome & { tally: { ran: number; reused: number; failed: number } }> {
  const { db, experimentId, s } = round;
  const executor = createRunExecutor(s.executor);
  try {
    const running = listJobs(db, experimentId, { status: 'running' });
    const cleaned = await cleanPartialJobs(s.runDir, await executor.prepare(running));
    process.stderr.write(describeStoppedOrphans(cleaned.stopped));
    await rerunStaleJobs(db, experimentId, s.runDir);
    const revised = new Set(round.revised.map((c) => c.id));
    const poolLeft = round.data.pool.some((c) => !revised.has(c.id));
    const progress = createProgressReporter(
      1 + (round.data.test.length > 0 ? 2 : 0) + (poolLeft ? 2 : 0),
    );
    const tally = { ran: 0, reused: 0, failed: 0 };
    const queue = openExperimentQueue({
      db,
      experimentId,
      runDir: s.runDir,
      concurrency: s.concurrency,
      maxAttempts: s.maxAttempts,
      executor,
      signal,
      progress,
      tally,
    });
    try {
      const outcome = await runRevisionRound({ ...round, queue }).catch(async (error) => {
        await queue.close().catch(() => {});
        throw error;
      });
      // Throws what stopped the run (Ctrl-C), if anything did.
      await queue.close();
      return { ...outcome, tally };
    } finally {
      progress.stop();
    }
  } finally {
    await executor.close();
  }
}
