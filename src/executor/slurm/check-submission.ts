import { tmpdir } from 'node:os';
import { UserError } from '../../errors.js';
import type { SlurmExecutorConfig } from '../executor-config.js';
import { sbatchOptions } from './sbatch-options.js';
import { SlurmCommandError, testSubmission } from './slurm-cli.js';

// Refuses (a UserError, once, before any job is submitted) a config whose sbatch options the
// cluster would reject: a wrong partition, account, gres, time or extraArgs. One
// `sbatch --test-only` per pool (engine jobs carry gres, node jobs do not); nothing is queued.
export async function checkSubmissionAccepted(config: SlurmExecutorConfig): Promise<void> {
  for (const pool of ['engine', 'node'] as const) {
    const options = sbatchOptions(config, {
      name: 'sentinel:check',
      workDir: tmpdir(),
      slurmOutput: '/dev/null',
      pool,
    });
    try {
      await testSubmission(options, '#!/bin/sh\ntrue\n');
    } catch (error) {
      if (!(error instanceof SlurmCommandError)) throw error;
      throw new UserError(
        `executor kind slurm: the cluster refuses the ${pool} jobs' sbatch options (${error.detail})`,
        {
          hint: `check executor.partition, account, gres, cpus, mem, time and extraArgs in the config (sbatch --test-only ${options.join(' ')})`,
        },
      );
    }
  }
}
