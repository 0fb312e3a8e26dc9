import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { recordCases } from '../db/cases.js';
import { setExperimentStatus, upsertExperiment } from '../db/experiments.js';
import { listJobs } from '../db/jobs.js';
import { closeDatabase, openDatabase } from '../db/open-database.js';
import { RUN_DATABASE_FILE } from '../db/run-database.js';
import { acquireRunLock } from '../db/run-lock.js';
import type { Db } from '../db/types.js';
import { createRunExecutor } from '../executor/create-run-executor.js';
import { interruptedBy } from '../executor/process-groups.js';
import { createProgressReporter } from '../executor/progress-reporter.js';
import { packageVersion } from '../package-root.js';
import { noteFaultPlace } from '../system-faults.js';
import { cleanPartialJobs, describeStoppedOrphans } from './clean-partial-jobs.js';
import type { ExperimentDataset } from './dataset.js';
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
}

// Runs (or resumes) an AL or SSL experiment: M0, pseudo labels, scores, selections,
// fine-tuning and evaluation, each job recorded in the run's SQLite database as it finishes.
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
    const { experiment } = upsertExperiment(
      db,
      {
        name: settings.name,
        kind: settings.kind,
        config: settings.recordedConfig,
        configHash: settings.configHash,
        codeVersion: packageVersion,
        modelHashes,
        engineName: settings.engine.name,
      },
      { force: settings.force },
    );
    // Jobs a killed orchestrator left running on Slurm are re-attached to, their folders kept.
    const running = listJobs(db, experiment.id, { status: 'running' });
    const cleaned = await cleanPartialJobs(settings.runDir, await executor.prepare(running));
    process.stderr.write(describeStoppedOrphans(cleaned.stopped));
    await rerunStaleJobs(db, experiment.id, settings.runDir);
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
    const progress = createProgressReporter(plan.totalJobs);
    const tally = { ran: 0, reused: 0, failed: 0 };
    const startedAt = Date.now();
    let outcome: Awaited<ReturnType<ExperimentPlan['run']>>;
    try {
      outcome = await plan.run({
        db,
        experimentId: experiment.id,
        runDir: settings.runDir,
        concurrency: settings.concurrency,
        maxAttempts: settings.maxAttempts,
        executor,
        signal,
        progress,
        tally,
      });
    } catch (error) {
      recordStopped(db, experiment.id);
      throw error;
    } finally {
      progress.stop();
    }
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(0);
    process.stderr.write(
      `${tally.ran} job(s) run, ${tally.reused} already done, ${tally.failed} failed in ${seconds} s\n`,
    );
    const status = outcome.failedJobs.length > 0 ? 'failed' : 'done';
    setExperimentStatus(db, experiment.id, status);
    return { experimentId: experiment.id, databasePath, ...outcome };
  } catch (error) {
    throw noteFaultPlace(error, { database: databasePath, folder: settings.runDir });
  } finally {
    await executor.close();
    lock.release();
    closeDatabase(db);
  }
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
