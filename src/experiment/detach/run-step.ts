import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { listExperiments } from '../../db/experiments.js';
import { closeDatabase, openDatabase } from '../../db/open-database.js';
import { runDatabasePath } from '../../db/run-database.js';
import type { Db } from '../../db/types.js';
import { UserError } from '../../errors.js';
import { createProgressReporter } from '../../executor/progress-reporter.js';
import { detachedStepExecutor } from '../../executor/slurm/detached-step-executor.js';
import { noteFaultPlace } from '../../system-faults.js';
import { resolveDataset } from '../dataset.js';
import { openExperimentQueue } from '../experiment-queue.js';
import { doneOutput } from '../job-runner.js';
import { planSteps } from '../plan-experiment.js';
import { type Step, runSteps } from '../plan/steps.js';
import { recordedSettings } from '../review/recorded-settings.js';

export interface RunStepOptions {
  runDir: string;
  key: string;
  exportWorklist: boolean;
  signal: AbortSignal;
}

// `sentinel run-step`: one job of a detached run, inside its own Slurm batch job. The plan is
// rebuilt from the config the run recorded; the job's inputs are the recorded outputs of the
// jobs it runs after (Slurm started it once they had succeeded) and of the selections between
// (recorded again here: the same picks, the same rows). The job runs and records itself as
// al-run's own jobs do, retried up to maxAttempts; it takes no run lock (the orchestrator that
// queued it has exited, or only follows). Resolves 0 when the job is done (now or before).
export async function runDetachedStep(o: RunStepOptions): Promise<number> {
  const runDir = resolve(o.runDir);
  const databasePath = runDatabasePath(runDir);
  if (!existsSync(databasePath)) {
    throw new UserError(`no run in ${o.runDir} (no ${databasePath})`, {
      hint: 'run-step runs the jobs that al-run --detach queued; give that --out folder',
    });
  }
  const db = openDatabase(databasePath);
  try {
    return await runStepOf(db, runDir, o);
  } catch (error) {
    throw noteFaultPlace(error, { database: databasePath, folder: runDir });
  } finally {
    closeDatabase(db);
  }
}

async function runStepOf(db: Db, runDir: string, o: RunStepOptions): Promise<number> {
  const experiment = listExperiments(db)[0];
  if (!experiment) throw new UserError(`${o.runDir} records no experiment`);
  const s = { ...(await recordedSettings(experiment, runDir)), exportWorklist: o.exportWorklist };
  const data = await resolveDataset(s.data, s.cacheDir);
  const steps = planSteps({ s, data, experimentId: experiment.id });
  const target = steps.find((step) => step.key === o.key && step.isJob);
  if (!target) {
    throw new UserError(`the plan recorded in ${o.runDir} has no job ${o.key}`, {
      hint: 'run-step runs the jobs al-run --detach queued, with the same sentinel version',
    });
  }
  const tally = { ran: 0, reused: 0, failed: 0 };
  const queue = openExperimentQueue({
    db,
    experimentId: experiment.id,
    runDir,
    concurrency: { engine: 1, node: 1 },
    maxAttempts: s.maxAttempts,
    executor: detachedStepExecutor(process.env.SLURM_JOB_ID ?? ''),
    signal: o.signal,
    progress: createProgressReporter(1, { mode: 'lines' }),
    tally,
  });
  const failures: string[] = [];
  const settled = await runSteps(
    inputsOf(target),
    {
      db,
      async run(job) {
        // Only the target runs here; every input must be done already.
        const end =
          job.spec.key === o.key
            ? await queue.run(job)
            : doneOutput(db, experiment.id, runDir, job.spec.key);
        if (end?.ok) return { dir: end.dir, output: end.output as never };
        failures.push(end ? `${end.key}: ${end.message}` : `${job.spec.key} is not done`);
        return undefined;
      },
    },
    (key, because) => failures.push(`${key} skipped: ${because} did not finish`),
  );
  await queue.close();
  for (const result of settled) if (result.status === 'rejected') throw result.reason;
  for (const line of failures) process.stderr.write(`run-step ${o.key}: ${line}\n`);
  return tally.failed === 0 && failures.length === 0 ? 0 : 1;
}

// The step and every step it needs, transitively, each once.
function inputsOf(target: Step<unknown>): Step<unknown>[] {
  const seen = new Set<Step<unknown>>();
  const visit = (step: Step<unknown>): void => {
    if (seen.has(step)) return;
    seen.add(step);
    for (const input of step.after) visit(input);
  };
  visit(target);
  return [...seen];
}
