import { UserError } from '../errors.js';
import {
  holdInterruptHandlers,
  interruptSignal,
  interruptedBy,
  signalExitCode,
} from '../executor/process-groups.js';
import { shellQuote } from '../shell-quote.js';
import { lowDiskNote } from './low-disk-note.js';
import { printComparison } from './print-comparison.js';
import { type ExperimentFlags, resolveSettings } from './resolve-settings.js';
import { runExperiment } from './run-experiment.js';

// Runs al-run or ssl-run: settings, the experiment, then the comparison table.
export async function runExperimentCommand(
  kind: 'al' | 'ssl',
  flags: ExperimentFlags,
): Promise<number> {
  const { settings, dataset, modelHashes } = await resolveSettings(kind, flags);
  process.stderr.write(
    `${kind === 'al' ? 'active learning' : 'semi-supervised learning'}: ${settings.methods.join(', ')} x ${settings.seeds.length} seed(s), ` +
      `${kind === 'al' ? 'budget' : 'top-k'} ${settings.budgets.join(', ')}; ${dataset.labeled.length} labeled, ${dataset.pool.length} pool, ${dataset.test.length} test cases; run folder ${settings.runDir}\n`,
  );
  const release = holdInterruptHandlers();
  try {
    const outcome = await runExperiment(settings, dataset, modelHashes, interruptSignal());
    const interrupted = interruptedBy();
    if (interrupted) {
      process.stderr.write(
        `stopped by ${interrupted}; what finished is recorded. Run the same command again to resume.\n`,
      );
      return signalExitCode(interrupted);
    }
    if (outcome.detached) {
      printDetached(outcome.detached, settings.runDir);
      return 0;
    }
    if (outcome.worklists.length > 0) {
      process.stdout.write(
        `worklists for annotators:\n${outcome.worklists.map((w) => `  ${w}`).join('\n')}\n`,
      );
    } else {
      printComparison(settings.runDir);
    }
    if (outcome.failedJobs.length > 0) {
      const lines = outcome.failedJobs.map(
        (f) => `  ${f.key}: ${f.message}\n    log: ${f.logPath}`,
      );
      const skipped =
        outcome.skippedJobs.length > 0
          ? `\nskipped because of them: ${outcome.skippedJobs.length} job(s)`
          : '';
      throw new UserError(
        `${outcome.failedJobs.length} job(s) failed:\n${lines.join('\n')}${skipped}`,
        {
          hint: `fix the cause (see the logs), then run the same command again: finished jobs are kept${lowDiskNote(settings.runDir)}`,
          exitCode: 1,
        },
      );
    }
    process.stderr.write(
      `results: ${outcome.databasePath} (sentinel report --run ${shellQuote(settings.runDir)})\n`,
    );
    return 0;
  } finally {
    release();
  }
}

// What --detach did, and how to follow the run or see where it stands.
function printDetached(queued: { submitted: number; alreadyQueued: number }, runDir: string): void {
  const already =
    queued.alreadyQueued > 0 ? `, ${queued.alreadyQueued} queued before and left as they are` : '';
  process.stderr.write(
    `detached: ${queued.submitted} job(s) queued on Slurm now${already}; each starts once the jobs it needs have succeeded (afterok), and this command exits.\n` +
      `follow the run and print its table: the same command without --detach (Ctrl-C stops following, not the jobs); where it stands: squeue --me (jobs named sentinel:KEY); their Slurm output: ${shellQuote(runDir)}/detached/\n`,
  );
}
