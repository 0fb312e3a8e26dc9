import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Job } from '../../db/jobs.js';
import type { SlurmExecutorConfig } from '../executor-config.js';
import type {
  JobAttempt,
  JobExecutor,
  ProcessExecutor,
  Reattach,
  RunExecutor,
} from '../process-executor.js';
import type { ProcessResult, RunProcessOptions } from '../run-process.js';
import { checkSubmissionAccepted } from './check-submission.js';
import { QueueWatcher } from './queue-watcher.js';
import { findRecordedAttempt } from './recorded-attempt.js';
import { type SlurmRunState, runSubmission } from './run-submission.js';
import { cancelJobs, cancelJobsSync, checkSlurmReachable, showJob } from './slurm-cli.js';

// The Slurm executor of a run: every job attempt's process is a batch job (array jobs for
// sharded work), polled until it leaves the queue. What it submitted and is still live is
// cancelled when the run is interrupted, and also when this process exits; a killed
// orchestrator's jobs keep running and a restarted one re-attaches to them.
export function createSlurmRunExecutor(config: SlurmExecutorConfig): RunExecutor {
  const state: SlurmRunState = {
    config,
    watcher: new QueueWatcher(config.pollSeconds),
    live: new Set(),
  };
  const reattachable = new Map<string, Reattach>();
  const onExit = () => cancelJobsSync([...state.live]);
  process.on('exit', onExit);
  return {
    name: 'slurm',
    async prepare(running: readonly Job[]) {
      await checkSlurmReachable();
      await checkSubmissionAccepted(config);
      for (const job of running) {
        const found = await findAttempt(job);
        if (found) reattachable.set(job.key, found);
      }
      return new Set([...reattachable.values()].map((r) => r.dir));
    },
    takeReattach(key) {
      const found = reattachable.get(key);
      reattachable.delete(key);
      return found;
    },
    forAttempt: (attempt) => attemptExecutor(state, attempt),
    async close() {
      state.watcher.close();
      await cancelJobs([...state.live]);
      state.live.clear();
      process.off('exit', onExit);
    },
  };
}

// A job recorded running on Slurm, with the attempt folder its first submission runs in: its
// WorkDir while Slurm knows it (queued, running or recently ended), else the folder that
// recorded its id (a job that ended past MinJobAge: its results are read from the status files
// it wrote, and it is not run again).
async function findAttempt(job: Job): Promise<Reattach | undefined> {
  if (job.executor !== 'slurm' || !job.externalId) return undefined;
  const externalIds = job.externalId.split(',').filter(Boolean);
  const first = externalIds[0];
  if (first === undefined) return undefined;
  const records = await showJob(first).catch(() => undefined);
  const known = records?.[0]?.WorkDir;
  const dir =
    known ?? (job.logPath ? await findRecordedAttempt(dirname(job.logPath), first) : undefined);
  if (!dir || !existsSync(dir)) return undefined;
  return { dir, externalIds };
}

// The executor of one attempt: its submissions are numbered; while re-attaching, the n-th
// submission the (replayed) work asks for is the n-th one recorded, and is not submitted again.
function attemptExecutor(state: SlurmRunState, attempt: JobAttempt): JobExecutor {
  const recorded = attempt.reattach?.externalIds ?? [];
  const ids = [...recorded];
  let next = 0;
  const submit = (index: number, tasks: RunProcessOptions[], array: boolean) =>
    runSubmission(state, {
      key: attempt.key,
      dir: attempt.dir,
      pool: attempt.pool,
      index,
      tasks,
      array,
      ...(index < recorded.length ? { existingId: recorded[index] } : {}),
      onSubmitted(id) {
        ids.push(id);
        attempt.onSubmitted(ids.join(','));
      },
    });
  return {
    name: 'slurm',
    get reattaching() {
      return next < recorded.length;
    },
    async run(options) {
      const [result] = await submit(next++, [options], false);
      return result as ProcessResult;
    },
    sharding: {
      shardSize: state.config.shardSize,
      maxAttempts: state.config.maxAttempts,
      array(size) {
        const index = next++;
        const slots: {
          options: RunProcessOptions;
          resolve(result: ProcessResult): void;
          reject(error: unknown): void;
        }[] = [];
        let given = 0;
        const task = (i: number): ProcessExecutor => ({
          name: 'slurm',
          reattaching: index < recorded.length,
          run(options) {
            return new Promise<ProcessResult>((resolve, reject) => {
              if (slots[i]) throw new Error(`bug: array task ${i} given twice`);
              slots[i] = { options, resolve, reject };
              given += 1;
              if (given < size) return;
              void submit(
                index,
                slots.map((s) => s.options),
                true,
              ).then(
                (results) => slots.forEach((s, k) => s.resolve(results[k] as ProcessResult)),
                (error: unknown) => slots.forEach((s) => s.reject(error)),
              );
            });
          },
        });
        return { reattaching: index < recorded.length, task };
      },
    },
  };
}
