import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type DetachedJob, recordDetachedJob } from '../../db/detached-jobs.js';
import { jobDir } from '../../db/job-keys.js';
import type { Db } from '../../db/types.js';
import { UserError } from '../../errors.js';
import type { SlurmExecutorConfig } from '../../executor/executor-config.js';
import { submitDetachedBatch } from '../../executor/slurm/detached-batch.js';
import { SlurmCommandError } from '../../executor/slurm/slurm-cli.js';
import type { ExperimentSettings } from '../experiment-settings.js';
import { doneOutput } from '../job-runner.js';
import type { Step } from '../plan/steps.js';
import { queuePlan } from './queue-plan.js';

// The folder of the detached jobs' Slurm output files (the jobs' own logs are in their folders).
export const DETACHED_LOGS = 'detached';

// Queues the plan's jobs that are neither done nor still queued, as `sentinel run-step` batch
// jobs chained with afterok, each id recorded as soon as sbatch gives it. When sbatch refuses
// one midway (a QOS limit, the controller gone), what was queued stays queued and recorded, and
// the same command with --detach queues the rest.
export async function submitDetached(
  db: Db,
  experimentId: number,
  s: ExperimentSettings & { executor: SlurmExecutorConfig },
  steps: readonly Step<unknown>[],
  live: readonly DetachedJob[],
): Promise<{ submitted: number; alreadyQueued: number }> {
  const logs = join(s.runDir, DETACHED_LOGS);
  await mkdir(logs, { recursive: true });
  const liveIds = new Map(live.map((job) => [job.key, job.slurmId]));
  let submitted = 0;
  try {
    return await queuePlan(steps, {
      isDone: (key) => doneOutput(db, experimentId, s.runDir, key) !== undefined,
      liveId: (key) => liveIds.get(key),
      async submit(step, dependsOn) {
        const slurmId = await submitDetachedBatch(s.executor, {
          name: `sentinel:${step.key}`,
          workDir: s.runDir,
          slurmOutput: join(logs, `${basename(jobDir(s.runDir, step.key))}.%j.out`),
          pool: step.pool ?? 'node',
          dependsOn,
          sentinelArgs: [
            ...['run-step', '--run', s.runDir, '--key', step.key],
            ...(s.exportWorklist ? ['--export-worklist'] : []),
          ],
        });
        recordDetachedJob(db, experimentId, { key: step.key, slurmId, dependsOn });
        submitted += 1;
        return slurmId;
      },
    });
  } catch (error) {
    if (!(error instanceof SlurmCommandError)) throw error;
    throw new UserError(`sbatch refused a job after ${submitted} were queued: ${error.detail}`, {
      hint: 'the queued jobs stay queued and recorded; once the cause is fixed, run the same command with --detach to queue the rest',
    });
  }
}
