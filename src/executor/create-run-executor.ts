import type { ExecutorConfig } from './executor-config.js';
import { type RunExecutor, localRunExecutor } from './process-executor.js';
import { createSlurmRunExecutor } from './slurm/slurm-executor.js';

// The run executor the config chose: this machine, or a Slurm cluster.
export function createRunExecutor(config: ExecutorConfig): RunExecutor {
  return config.kind === 'slurm' ? createSlurmRunExecutor(config) : localRunExecutor;
}
