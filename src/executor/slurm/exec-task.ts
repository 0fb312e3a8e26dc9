import { rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { ProcessResult, RunProcessOptions } from '../run-process.js';

// What `sentinel exec` runs inside a batch job: one entry per array task (the task's index is
// SLURM_ARRAY_TASK_ID, 0 for a single job). It is RunProcessOptions without the signal, plus
// where to write the task's status.
export const ExecTask = z.object({
  argv: z.array(z.string()).min(1),
  logPath: z.string(),
  cwd: z.string().optional(),
  env: z.record(z.string(), z.string()).optional(),
  timeoutSeconds: z.number().positive().optional(),
  outputs: z.array(z.string()).optional(),
  killGraceSeconds: z.number().nonnegative().optional(),
  sampleIntervalMs: z.number().positive().optional(),
  status: z.string(),
});
export type ExecTask = z.infer<typeof ExecTask>;
export const ExecTaskList = z.array(ExecTask).min(1);

const Cost = z.object({
  wallSeconds: z.number(),
  cpuSeconds: z.number().nullable(),
  peakRssBytes: z.number().nullable(),
  diskBytes: z.number(),
  cpuSource: z.enum(['kernel', 'sampled', 'none']),
});

// A task's status file: the ProcessResult measured inside the job (the log tail is read by the
// orchestrator from the log itself).
export const ExecStatus = z.object({
  ok: z.boolean(),
  reason: z.enum(['exit', 'signal', 'timeout', 'spawn', 'cancelled']).optional(),
  exitCode: z.number().int().optional(),
  signal: z.string().optional(),
  message: z.string().optional(),
  cost: Cost,
  logPath: z.string(),
});
export type ExecStatus = z.infer<typeof ExecStatus>;

// The task for a process to run in a batch job, its status written to `status`.
export function toExecTask(options: RunProcessOptions, status: string): ExecTask {
  const { signal: _signal, ...rest } = options;
  return { ...rest, argv: [...rest.argv], outputs: rest.outputs && [...rest.outputs], status };
}

// Writes a task's status atomically (the orchestrator may read it at any time).
export async function writeExecStatus(path: string, result: ProcessResult): Promise<void> {
  const status: ExecStatus = result.ok
    ? { ok: true, cost: result.cost, logPath: result.logPath }
    : {
        ok: false,
        reason: result.reason,
        ...(result.exitCode === undefined ? {} : { exitCode: result.exitCode }),
        ...(result.signal === undefined ? {} : { signal: result.signal }),
        message: result.message,
        cost: result.cost,
        logPath: result.logPath,
      };
  const partial = `${path}.partial-${process.pid}`;
  await writeFile(partial, `${JSON.stringify(status)}\n`);
  await rename(partial, path);
}
