import { appendFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { JobCost } from '../cost-meter.js';
import { readLogTail } from '../log-tail.js';
import type { ProcessFailureReason, ProcessResult } from '../run-process.js';
import { ExecStatus } from './exec-task.js';
import { showJob } from './slurm-cli.js';

// Nothing measured: a task that never ran, or whose status was lost.
export const unmeasured: JobCost = {
  wallSeconds: 0,
  cpuSeconds: null,
  peakRssBytes: null,
  diskBytes: 0,
  cpuSource: 'none',
};

// One task of a finished submission, as the orchestrator knows it.
export interface FinishedTask {
  // The Slurm job id, and the array index when the submission was an array job.
  jobId: string;
  arrayIndex?: number;
  statusPath: string;
  // Slurm's own output of the batch script (the wrapper's errors, if any).
  slurmOutput: string;
  logPath: string;
  // Why the orchestrator stopped waiting, when it cancelled the job.
  cancelled?: string;
}

// The ProcessResult of a task that left the queue: its status file (written inside the job by
// `sentinel exec`, cost measured there), else what Slurm says about it (scontrol).
export async function readTaskResult(task: FinishedTask): Promise<ProcessResult> {
  const status = await readStatus(task.statusPath);
  if (status?.ok) return { ok: true, cost: status.cost, logPath: task.logPath };
  if (status) {
    return {
      ok: false,
      reason: task.cancelled ? 'cancelled' : (status.reason ?? 'exit'),
      ...(status.exitCode === undefined ? {} : { exitCode: status.exitCode }),
      ...(status.signal === undefined ? {} : { signal: status.signal }),
      message: task.cancelled ?? status.message ?? 'failed',
      logTail: readLogTail(task.logPath),
      cost: status.cost,
      logPath: task.logPath,
    };
  }
  const name = task.arrayIndex === undefined ? task.jobId : `${task.jobId}_${task.arrayIndex}`;
  const info = await describeEnd(task).catch(() => undefined);
  const failure: { reason: ProcessFailureReason; message: string; exitCode?: number } =
    task.cancelled !== undefined
      ? { reason: 'cancelled', message: task.cancelled }
      : !info
        ? { reason: 'exit', message: `slurm job ${name} left no status (Slurm no longer knows it)` }
        : {
            reason:
              info.state === 'CANCELLED'
                ? 'cancelled'
                : info.state === 'TIMEOUT'
                  ? 'timeout'
                  : 'exit',
            message: `slurm job ${name} ended ${info.state} (ExitCode ${info.exitCode}) without a status`,
            ...(info.code > 0 ? { exitCode: info.code } : {}),
          };
  try {
    appendFileSync(task.logPath, `# sentinel: ${failure.message}\n`);
  } catch {
    // the folder is gone: nothing to note
  }
  const wrapperTail = readLogTail(task.slurmOutput, 10);
  const logTail = [readLogTail(task.logPath), wrapperTail].filter(Boolean).join('\n');
  return { ok: false, ...failure, logTail, cost: unmeasured, logPath: task.logPath };
}

async function readStatus(path: string): Promise<ExecStatus | undefined> {
  try {
    const parsed = ExecStatus.safeParse(JSON.parse(await readFile(path, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

async function describeEnd(
  task: FinishedTask,
): Promise<{ state: string; exitCode: string; code: number } | undefined> {
  const records = await showJob(task.jobId);
  const record =
    task.arrayIndex === undefined
      ? records?.[0]
      : records?.find((r) => r.ArrayTaskId === String(task.arrayIndex));
  if (!record) return undefined;
  const exitCode = record.ExitCode ?? '?';
  return {
    state: (record.JobState ?? 'UNKNOWN').split(/\s/)[0] ?? 'UNKNOWN',
    exitCode,
    code: Number(exitCode.split(':')[0]) || 0,
  };
}
