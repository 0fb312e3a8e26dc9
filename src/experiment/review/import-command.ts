import { UserError } from '../../errors.js';
import {
  holdInterruptHandlers,
  interruptSignal,
  interruptedBy,
  signalExitCode,
} from '../../executor/process-groups.js';
import { type ImportOutcome, importRevisions } from './import-revisions.js';

// Runs `sentinel import-revisions` and says what happened: what was imported (and which masks
// came back unchanged), the jobs, and where the next round is.
export async function runImportCommand(o: {
  runDir: string;
  from?: string | undefined;
  by?: string | undefined;
}): Promise<number> {
  const release = holdInterruptHandlers();
  try {
    const outcome = await importRevisions({ ...o, signal: interruptSignal() });
    const interrupted = interruptedBy();
    if (interrupted) {
      process.stderr.write(
        `stopped by ${interrupted}; the imported masks and finished jobs are recorded. Run the same command again to resume.\n`,
      );
      return signalExitCode(interrupted);
    }
    process.stdout.write(describeImport(outcome));
    const failed = outcome.jobs?.failedJobs ?? [];
    if (failed.length > 0) {
      const lines = failed.map((f) => `  ${f.key}: ${f.message}\n    log: ${f.logPath}`);
      throw new UserError(
        `${failed.length} job(s) of round ${outcome.round} failed:\n${lines.join('\n')}`,
        {
          hint: 'fix the cause (see the logs), then run the same command again: the imported masks and finished jobs are kept',
          exitCode: 1,
        },
      );
    }
    return 0;
  } finally {
    release();
  }
}

function describeImport(o: ImportOutcome): string {
  const lines = o.sorted.accepted.map(
    (m) =>
      `  ${m.caseId}: ${m.changedVoxels === 0 ? 'identical to the pseudo label (accepted, no voxel changed)' : `${m.changedVoxels} voxel(s) changed`}`,
  );
  const out = [`round ${o.round}: ${o.sorted.accepted.length} mask(s) imported now`, ...lines];
  if (o.sorted.alreadyImported.length > 0)
    out.push(
      `already imported (same file): ${o.sorted.alreadyImported.map((a) => `${a.caseId} (round ${a.round})`).join(', ')}`,
    );
  if (o.jobs)
    out.push(
      `${o.jobs.tally.ran} job(s) run, ${o.jobs.tally.reused} already done, ${o.jobs.tally.failed} failed`,
    );
  if (o.next === 'nothing-new')
    out.push('nothing new to import: every mask given is imported already');
  else if (o.next === 'pool-done') out.push('every pool case is revised: no next round');
  else if (typeof o.next === 'object')
    out.push(`next round: ${o.next.dir} (${o.next.cases} case(s); README.txt says what to do)`);
  return `${out.join('\n')}\n`;
}
