import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SlurmExecutorConfig } from '../executor-config.js';
import { interruptSignal } from '../process-groups.js';
import type { ProcessResult, RunProcessOptions } from '../run-process.js';
import { toExecTask } from './exec-task.js';
import type { QueueWatcher } from './queue-watcher.js';
import { batchScript, sbatchOptions } from './sbatch-options.js';
import { SlurmCommandError, cancelJobs, submitBatch } from './slurm-cli.js';
import { readTaskResult, unmeasured } from './task-result.js';

const sentinelEntry = fileURLToPath(new URL('../../cli/sentinel.js', import.meta.url));

// What the submissions of one run share: the config, the queue watcher, the ids still live.
export interface SlurmRunState {
  config: SlurmExecutorConfig;
  watcher: QueueWatcher;
  live: Set<string>;
}

// One sbatch of a job attempt: a single process, or an array job of several.
export interface Submission {
  key: string;
  // The attempt's folder: the batch job's working directory; its files go under slurm/.
  dir: string;
  pool: 'engine' | 'node';
  // Which submission of the attempt (0, 1, ...): names its files.
  index: number;
  tasks: RunProcessOptions[];
  array: boolean;
  // The id an earlier orchestrator submitted it under (re-attach): not submitted again.
  existingId?: string;
  onSubmitted(id: string): void;
}

// Submits (or re-attaches to) one submission, waits until it has left the queue, and returns
// each task's result, measured inside the job. Cancelled (scancel) when the attempt's signal
// or this process's SIGINT/SIGTERM fires.
export async function runSubmission(
  state: SlurmRunState,
  submission: Submission,
): Promise<ProcessResult[]> {
  const base = join(submission.dir, 'slurm', `submit-${submission.index}`);
  const statusPath = (i: number) => `${base}.task-${i}.json`;
  const slurmOutput = (i: number) => (submission.array ? `${base}.${i}.out` : `${base}.out`);
  const signals = [interruptSignal(), ...submission.tasks.flatMap((t) => t.signal ?? [])];
  const failAll = (reason: 'cancelled' | 'spawn', message: string): ProcessResult[] =>
    submission.tasks.map((t) => ({
      ok: false,
      reason,
      message,
      logTail: '',
      cost: unmeasured,
      logPath: t.logPath,
    }));

  let id = submission.existingId;
  if (id === undefined) {
    if (signals.some((s) => s.aborted)) return failAll('cancelled', 'cancelled before it started');
    await mkdir(join(submission.dir, 'slurm'), { recursive: true });
    const tasksFile = `${base}.json`;
    const tasks = submission.tasks.map((t, i) => toExecTask(t, statusPath(i)));
    await writeFile(tasksFile, `${JSON.stringify(tasks, null, 2)}\n`);
    const options = sbatchOptions(state.config, {
      name: `sentinel:${submission.key}`,
      workDir: submission.dir,
      slurmOutput: submission.array ? `${base}.%a.out` : `${base}.out`,
      pool: submission.pool,
      ...(submission.array ? { arraySize: tasks.length } : {}),
    });
    try {
      id = await submitBatch(options, batchScript(process.execPath, sentinelEntry, tasksFile));
    } catch (error) {
      if (!(error instanceof SlurmCommandError)) throw error;
      return failAll('spawn', `could not submit: ${error.message}`);
    }
    // Beside the tasks: which Slurm job runs them, to find this folder again once Slurm has
    // forgotten the job (recorded-attempt.ts).
    await writeFile(`${base}.id`, `${id}\n`);
    submission.onSubmitted(id);
  }

  const jobId = id;
  state.live.add(jobId);
  let cancelled: string | undefined;
  const onAbort = (event: Event) => {
    const reason = (event.target as AbortSignal).reason;
    cancelled = `cancelled${typeof reason === 'string' ? ` (${reason})` : ''}`;
    void cancelJobs([jobId]);
    state.watcher.hurry();
  };
  for (const s of signals) s.addEventListener('abort', onAbort);
  if (signals.some((s) => s.aborted)) onAbort({ target: signals.find((s) => s.aborted) } as never);
  try {
    await state.watcher.waitGone(jobId);
  } finally {
    for (const s of signals) s.removeEventListener('abort', onAbort);
    state.live.delete(jobId);
  }
  return Promise.all(
    submission.tasks.map((t, i) =>
      readTaskResult({
        jobId,
        ...(submission.array ? { arrayIndex: i } : {}),
        statusPath: statusPath(i),
        slurmOutput: slurmOutput(i),
        logPath: t.logPath,
        ...(cancelled ? { cancelled } : {}),
      }),
    ),
  );
}
