import { fileURLToPath } from 'node:url';
import { shellQuote } from '../../shell-quote.js';
import type { SlurmExecutorConfig } from '../executor-config.js';
import { sbatchOptions } from './sbatch-options.js';
import { submitBatch } from './slurm-cli.js';

const sentinelEntry = fileURLToPath(new URL('../../cli/sentinel.js', import.meta.url));

// One job of a detached run: `sentinel ARGS...` (with the orchestrator's Node and package) as a
// batch job that starts once every job in `dependsOn` has succeeded; when one of them fails,
// Slurm cancels this one too (--kill-on-invalid-dep), so nothing waits forever.
export interface DetachedBatch {
  name: string;
  workDir: string;
  slurmOutput: string;
  pool: 'engine' | 'node';
  dependsOn: readonly string[];
  sentinelArgs: readonly string[];
}

// Submits it; returns the Slurm job id (a SlurmCommandError when sbatch refuses).
export async function submitDetachedBatch(
  config: SlurmExecutorConfig,
  batch: DetachedBatch,
): Promise<string> {
  const options = sbatchOptions(config, batch);
  if (batch.dependsOn.length > 0)
    options.push(`--dependency=afterok:${batch.dependsOn.join(':')}`, '--kill-on-invalid-dep=yes');
  const argv = [process.execPath, sentinelEntry, ...batch.sentinelArgs].map(shellQuote);
  return submitBatch(options, `#!/bin/sh\nexec ${argv.join(' ')}\n`);
}
