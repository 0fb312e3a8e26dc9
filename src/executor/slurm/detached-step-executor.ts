import { type RunExecutor, localProcessExecutor, localRunExecutor } from '../process-executor.js';

// The executor of a job that runs inside its own Slurm batch job (a detached run's
// `sentinel run-step`): its process runs here, in the allocation, metered as a local one; the
// job is recorded as run by 'slurm-detached' under the batch job's id.
export function detachedStepExecutor(slurmJobId: string): RunExecutor {
  return {
    ...localRunExecutor,
    name: 'slurm-detached',
    forAttempt(attempt) {
      attempt.onSubmitted(slurmJobId);
      return localProcessExecutor;
    },
  };
}
