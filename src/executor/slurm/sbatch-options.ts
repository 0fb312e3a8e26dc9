import { shellQuote } from '../../shell-quote.js';
import type { SlurmExecutorConfig } from '../executor-config.js';

// The sbatch options of one submission, from the executor config: resources for every job,
// gres only for engine jobs (score/evaluate run on CPUs), the config's extraArgs last.
export function sbatchOptions(
  config: SlurmExecutorConfig,
  submission: {
    name: string;
    workDir: string;
    slurmOutput: string;
    pool: 'engine' | 'node';
    arraySize?: number;
  },
): string[] {
  const options = [
    `--job-name=${submission.name}`,
    `--chdir=${submission.workDir}`,
    `--output=${submission.slurmOutput}`,
    '--ntasks=1',
  ];
  if (config.partition) options.push(`--partition=${config.partition}`);
  if (config.account) options.push(`--account=${config.account}`);
  if (config.cpus) options.push(`--cpus-per-task=${config.cpus}`);
  if (config.mem) options.push(`--mem=${config.mem}`);
  if (config.time) options.push(`--time=${config.time}`);
  if (config.gres && submission.pool === 'engine') options.push(`--gres=${config.gres}`);
  if (submission.arraySize !== undefined)
    options.push(`--array=0-${submission.arraySize - 1}%${config.maxParallel}`);
  options.push(...config.extraArgs);
  return options;
}

// The batch script: `sentinel exec` runs the task (its index from SLURM_ARRAY_TASK_ID) with
// the same Node and package as the orchestrator, metered inside the job.
export function batchScript(node: string, sentinel: string, tasksFile: string): string {
  return `#!/bin/sh\nexec ${shellQuote(node)} ${shellQuote(sentinel)} exec --tasks ${shellQuote(tasksFile)}\n`;
}
