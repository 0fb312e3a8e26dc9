import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { recordCases } from '../db/cases.js';
import {
  type Experiment,
  findExperiment,
  setExperimentStatus,
  upsertExperiment,
} from '../db/experiments.js';
import { listJobs } from '../db/jobs.js';
import { closeDatabase, openDatabase } from '../db/open-database.js';
import { RUN_DATABASE_FILE } from '../db/run-database.js';
import { acquireRunLock } from '../db/run-lock.js';
import type { Db } from '../db/types.js';
import { UserError } from '../errors.js';
import { createRunExecutor } from '../executor/create-run-executor.js';
import type { RunExecutor } from '../executor/process-executor.js';
import { interruptedBy } from '../executor/process-groups.js';
import { createProgressReporter } from '../executor/progress-reporter.js';
import { packageVersion } from '../package-root.js';
import { noteFaultPlace } from '../system-faults.js';
import { cleanPartialJobs, describeStoppedOrphans } from './clean-partial-jobs.js';
import type { ExperimentDataset } from './dataset.js';
import { type DetachedState, detachedState } from './detach/detached-state.js';
import { liveDetachedJobs } from './detach/live-detached.js';
import { submitDetached } from './detach/submit-detached.js';
import type { ExperimentSettings } from './experiment-settings.js';
import { type ExperimentPlan, planExperiment } from './plan-experiment.js';
import { rerunStaleJobs } from './stale-jobs.js';

// What a finished (or stopped) run left behind.
export interface ExperimentOutcome {
  experimentId: number;
  databasePath: string;
  failedJobs: { key: string; message: string; logPath: string }[];
  skippedJobs: string[];
  worklists: string[];
  // With --detach: the jobs queued on Slurm now, and those an earlier --detach left queued.
  detached?: { submitted: number; alreadyQueued: number };
}

// Runs (or resumes) an AL or SSL experiment: M0, pseudo labels, scores, selections,
// fine-tuning and evaluation, each job recorded in the run's SQLite database as it finishes.
// With --detach, the jobs are queued on Slurm instead and the run returns at once; a run
// without it first follows what an earlier --detach queued, then finishes what is left.
export async function runExperiment(
  settings: ExperimentSettings,
  dataset: ExperimentDataset,
  modelHashes: Record<string, string>,
  signal: AbortSignal,
): Promise<ExperimentOutcome> {
  await mkdir(settings.runDir, { recursive: true });
  const databasePath = join(settings.runDir, RUN_DATABASE_FILE);
  const db = openDatabase(databasePath);
  const lock = lockRun(db, databasePath);
  const executor = createRunExecutor(settings.executor);
  try {
    const experiment = await openExperiment(db, settings, modelHashes);
    const detached = await detachedState(db, experiment.id, settings, signal);
    const none = { experimentId: experiment.id, databasePath, failedJobs: [], skippedJobs: [] };
    if (detached.following === 'stopped') return { ...none, worklists: [] };
    await prepareRunFolder(db, experiment.id, settings, executor, detached);
    recordCases(
      db,
      experiment.id,
      (['labeled', 'pool', 'test'] as const).flatMap((role) =>
        dataset[role].map((c) => ({
          caseId: c.id,
          role,
          imagePath: c.image,
          labelPath: c.label,
          caseGroup: c.group ?? null,
        })),
      ),
    );
    const plan: ExperimentPlan = planExperiment(settings, dataset, experiment.id);
    if (settings.detach && settings.executor.kind === 'slurm') {
      const s = { ...settings, executor: settings.executor };
      const queued = await submitDetached(db, experiment.id, s, plan.steps, detached.live);
      if (queued.submitted + queued.alreadyQueued > 0)
        return { ...none, worklists: [], detached: queued };
    }
    const outcome = await runPlan(db, experiment.id, settings, plan, { executor, signal });
    return { experimentId: experiment.id, databasePath, ...outcome };
  } catch (error) {
    throw noteFaultPlace(error, { database: databasePath, folder: settings.runDir });
  } finally {
    await executor.close();
    lock.release();
    closeDatabase(db);
  }
}

// Records the experiment, or finds the recorded one (a resume); --force may not discard a run
// whose detached jobs are still queued (they would write into a run that no longer exists).
async function openExperiment(
  db: Db,
  settings: ExperimentSettings,
  modelHashes: Record<string, string>,
): Promise<Experiment> {
  const input = {
    name: settings.name,
    kind: settings.kind,
    config: settings.recordedConfig,
    configHash: settings.configHash,
    codeVersion: packageVersion,
    modelHashes,
    engineName: settings.engine.name,
  };
  const recorded = settings.force ? findExperiment(db, settings.name) : undefined;
  const live = recorded ? await liveDetachedJobs(db, recorded.id) : [];
  if (live.length > 0) {
    throw new UserError(
      `--force would discard ${settings.runDir} while ${live.length} job(s) that --detach queued there still run on Slurm`,
      {
        hint: `wait for them (the same command without --force follows them), or stop them first: scancel ${live.map((j) => j.slurmId).join(' ')}`,
      },
    );
  }
  return upsertExperiment(db, input, { force: settings.force }).experiment;
}

// Checks the executor (Slurm reachable, options accepted) and, unless detached jobs still run
// in the folder, removes what a killed run left behind and finds finished jobs whose outputs
// changed. Jobs a killed orchestrator left running on Slurm are re-attached to, their folders
// kept.
async function prepareRunFolder(
  db: Db,
  experimentId: number,
  settings: ExperimentSettings,
  executor: RunExecutor,
  detached: DetachedState,
): Promise<void> {
  if (detached.live.length > 0) {
    await executor.prepare([]);
    return;
  }
  const running = listJobs(db, experimentId, { status: 'running' });
  const cleaned = await cleanPartialJobs(settings.runDir, await executor.prepare(running));
  process.stderr.write(describeStoppedOrphans(cleaned.stopped));
  await rerunStaleJobs(db, experimentId, settings.runDir);
}

// Runs the plan's jobs here or on Slurm, with one progress display, and records how it ended.
async function runPlan(
  db: Db,
  experimentId: number,
  settings: ExperimentSettings,
  plan: ExperimentPlan,
  o: { executor: RunExecutor; signal: AbortSignal },
) {
  const progress = createProgressReporter(plan.totalJobs);
  const tally = { ran: 0, reused: 0, failed: 0 };
  const startedAt = Date.now();
  let outcome: Awaited<ReturnType<ExperimentPlan['run']>>;
  try {
    outcome = await plan.run({
      db,
      experimentId,
      runDir: settings.runDir,
      concurrency: settings.concurrency,
      maxAttempts: settings.maxAttempts,
      executor: o.executor,
      signal: o.signal,
      progress,
      tally,
    });
  } catch (error) {
    recordStopped(db, experimentId);
    throw error;
  } finally {
    progress.stop();
  }
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(0);
  process.stderr.write(
    `${tally.ran} job(s) run, ${tally.reused} already done, ${tally.failed} failed in ${seconds} s\n`,
  );
  setExperimentStatus(db, experimentId, outcome.failedJobs.length > 0 ? 'failed' : 'done');
  return outcome;
}

// Records that the run stopped (interrupted) or failed, when the database can still be written:
// after a full disk it cannot, and the fault that stopped the run is the one to report.
function recordStopped(db: Db, experimentId: number): void {
  try {
    setExperimentStatus(db, experimentId, interruptedBy() ? 'stopped' : 'failed');
  } catch {
    // left as "running"; the next run sets it again
  }
}

function lockRun(db: Db, databasePath: string) {
  try {
    return acquireRunLock(db);
  } catch (error) {
    closeDatabase(db);
    throw noteFaultPlace(error, { database: databasePath });
  }
}
