import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { listExperiments } from '../../db/experiments.js';
import { closeDatabase, openDatabase } from '../../db/open-database.js';
import {
  latestReviewRound,
  listReviewRequests,
  listRevisions,
  recordRevisions,
} from '../../db/revisions.js';
import { runDatabasePath } from '../../db/run-database.js';
import { acquireRunLock } from '../../db/run-lock.js';
import type { Db } from '../../db/types.js';
import { UserError } from '../../errors.js';
import { noteFaultPlace } from '../../system-faults.js';
import { resolveDataset } from '../dataset.js';
import { findReturnedMasks } from './find-returned-masks.js';
import { recordedSettings } from './recorded-settings.js';
import { revisedMaskPath } from './review-files.js';
import { runRoundJobs } from './run-round-jobs.js';
import { type SortedMasks, sortReturnedMasks } from './sort-returned-masks.js';
import { writeReviewRound } from './write-review-round.js';

export interface ImportOptions {
  runDir: string;
  // The folder the annotators returned; none to finish a round already imported.
  from?: string | undefined;
  // Who revised the masks (recorded with each).
  by?: string | undefined;
  signal: AbortSignal;
}

export interface ImportOutcome {
  round: number;
  sorted: SortedMasks;
  // What the round's jobs did, when they ran.
  jobs?: Awaited<ReturnType<typeof runRoundJobs>>;
  // The next round's folder, or why there is none.
  next: { dir: string; cases: number } | 'pool-done' | 'jobs-failed' | 'nothing-new';
}

// `sentinel import-revisions`: checks every returned mask (all refused when one is bad: nothing
// of an import is recorded unless all of it is fit), keeps the masks in the run folder,
// records their provenance, then runs the round's jobs and writes the next round.
export async function importRevisions(o: ImportOptions): Promise<ImportOutcome> {
  const runDir = resolve(o.runDir);
  const databasePath = runDatabasePath(runDir);
  if (!existsSync(databasePath)) {
    throw new UserError(`no run in ${o.runDir} (no ${databasePath})`, {
      hint: 'give the --out folder of an al-run ... --export-worklist',
    });
  }
  const db = openDatabase(databasePath);
  try {
    const lock = acquireRunLock(db);
    try {
      return await importUnderLock(db, runDir, o);
    } finally {
      lock.release();
    }
  } catch (error) {
    throw noteFaultPlace(error, { database: databasePath, folder: runDir });
  } finally {
    closeDatabase(db);
  }
}

async function importUnderLock(db: Db, runDir: string, o: ImportOptions): Promise<ImportOutcome> {
  const r = await openLatestRound(db, runDir, o);
  const files = o.from === undefined ? [] : await findReturnedMasks(o.from);
  const sorted = await sortReturnedMasks(files, {
    runDir,
    round: r.round,
    requests: r.requests,
    revisions: listRevisions(db, r.experimentId),
    images: new Map(r.data.pool.map((c) => [c.id, c.image])),
    classes: r.data.classes,
  });
  if (sorted.refused.length > 0) throw refusedError(sorted);
  if (sorted.accepted.length > 0)
    await keepAndRecord(db, r.experimentId, runDir, r.round, sorted, o.by ?? '');
  const revisions = listRevisions(db, r.experimentId);
  if (!revisions.some((x) => x.round === r.round)) {
    if (sorted.alreadyImported.length > 0) return { round: r.round, sorted, next: 'nothing-new' };
    throw new UserError(`no corrected mask for round ${r.round} in ${o.from ?? '(no --from)'}`, {
      hint: `the round asks for ${r.requests.map((x) => x.caseId).join(', ')}; masks are <case>_seg.nii.gz files`,
    });
  }
  const pool = new Map(r.data.pool.map((c) => [c.id, c]));
  const jobs = await runRoundJobs(
    {
      ...r,
      db,
      size: r.requests.length,
      revised: revisions.map((x) => ({ ...pool.get(x.caseId)!, label: join(runDir, x.maskPath) })),
    },
    o.signal,
  );
  if (jobs.next === undefined) return { round: r.round, sorted, jobs, next: 'jobs-failed' };
  if (jobs.next.length === 0) return { round: r.round, sorted, jobs, next: 'pool-done' };
  const dir = await writeReviewRound({
    ...r,
    db,
    runDir,
    round: r.round + 1,
    classes: r.data.classes,
    cases: jobs.next,
  });
  return { round: r.round, sorted, jobs, next: { dir, cases: jobs.next.length } };
}

// The run's latest review round, what it asked for, and the run's settings and data.
async function openLatestRound(db: Db, runDir: string, o: ImportOptions) {
  const experiment = listExperiments(db)[0];
  const round = experiment ? latestReviewRound(db, experiment.id) : 0;
  if (!experiment || experiment.kind !== 'al' || round === 0) {
    throw new UserError(`${o.runDir} has no review round to import into`, {
      hint: 'write round 1 first: sentinel al-run --config FILE --methods qs --export-worklist --out RUN',
    });
  }
  if (o.from !== undefined && !o.by) {
    throw new UserError('--by NAME is required with --from: who revised the masks', {
      hint: 'e.g. --by "Dr. Rivera"; it is recorded with every mask',
    });
  }
  const s = await recordedSettings(experiment, runDir);
  const requests = listReviewRequests(db, experiment.id, round);
  return {
    experimentId: experiment.id,
    s,
    data: await resolveDataset(s.data, s.cacheDir),
    round,
    requests,
    method: requests[0]?.method ?? (s.methods[0] as string),
  };
}

// Copies the accepted masks into the run folder (so moving the returned folder later breaks
// nothing), then records them all in one transaction.
async function keepAndRecord(
  db: Db,
  experimentId: number,
  runDir: string,
  round: number,
  sorted: SortedMasks,
  annotator: string,
): Promise<void> {
  const rows = [];
  for (const m of sorted.accepted) {
    const kept = revisedMaskPath(round, m.caseId, m.path.endsWith('.gz') ? '.nii.gz' : '.nii');
    await mkdir(dirname(join(runDir, kept)), { recursive: true });
    await copyFile(m.path, join(runDir, kept));
    rows.push({
      caseId: m.caseId,
      round,
      maskPath: kept,
      sha256: m.sha256,
      sourcePath: m.path,
      annotator,
      changedVoxels: m.changedVoxels,
    });
  }
  recordRevisions(db, experimentId, rows);
}

// Every refused file with what is wrong with it; nothing of the import was recorded.
function refusedError(sorted: SortedMasks): UserError {
  const lines = sorted.refused.map((r) => `  ${r.path}: ${r.problem}`);
  const passed = sorted.accepted.length;
  return new UserError(
    `${sorted.refused.length} returned file(s) refused, so nothing was imported:\n${lines.join('\n')}`,
    {
      hint: `fix or remove these files, then run the same import again${passed > 0 ? ` (the other ${passed} mask(s) passed the checks and will be imported with them)` : ''}`,
    },
  );
}
