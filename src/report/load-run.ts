import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { type CaseRow, listCases } from '../db/cases.js';
import { type Experiment, listExperiments } from '../db/experiments.js';
import { type Job, listJobs } from '../db/jobs.js';
import { type MetricRow, listMetrics } from '../db/metrics.js';
import { closeDatabase, openDatabase } from '../db/open-database.js';
import { RUN_DATABASE_FILE, runDatabasePath } from '../db/run-database.js';
import { type ScoreRow, listScores } from '../db/scores.js';
import { type SelectionRow, listSelections } from '../db/selections.js';
import { UserError } from '../errors.js';
import { noteFaultPlace } from '../system-faults.js';

// Everything a report needs from one run, read once from its database (read-only, no lock).
export interface RunData {
  // The run folder (job folders are under it) and a short name for headings.
  dir: string;
  name: string;
  experiment: Experiment;
  cases: CaseRow[];
  jobs: Job[];
  // The tables are those of round 1 (the paper's single round): its metrics, its scores (made
  // before any revision) and its selections.
  metrics: MetricRow[];
  scores: ScoreRow[];
  selections: SelectionRow[];
  // Metrics of rounds 2..R (al-run --rounds), for the per-round curve; empty for one round.
  laterRounds?: MetricRow[];
}

// Reads a run: `path` is the run folder (runs/NAME) or its database file. A missing folder or
// database, or a database with no experiment, is a UserError.
export function loadRun(path: string): RunData {
  const { dir, database } = locateRun(path);
  const db = openDatabase(database, { readonly: true });
  try {
    const experiments = listExperiments(db);
    const experiment = experiments.at(-1);
    if (experiment === undefined) {
      throw new UserError(`the run ${dir} has recorded no experiment yet`, {
        hint: 'start it with al-run or ssl-run (--out this folder), then report again',
      });
    }
    const id = experiment.id;
    return {
      dir,
      name: basename(dir),
      experiment,
      cases: listCases(db, id),
      jobs: listJobs(db, id),
      metrics: listMetrics(db, id, { round: 1 }),
      scores: listScores(db, id, { round: 1, budget: 0 }),
      selections: listSelections(db, id, { round: 1 }),
      laterRounds: listMetrics(db, id).filter((r) => r.round > 1),
    };
  } catch (error) {
    throw noteFaultPlace(error, { database, folder: dir });
  } finally {
    closeDatabase(db);
  }
}

function locateRun(path: string): { dir: string; database: string } {
  const given = resolve(path);
  if (!existsSync(given)) {
    throw new UserError(`no run folder at ${path}`, {
      hint: 'give the --out folder of an al-run or ssl-run, e.g. --run runs/demo-al (the default al-run folder) or runs/demo-ssl',
    });
  }
  if (statSync(given).isFile()) return { dir: dirname(given), database: given };
  const database = runDatabasePath(given);
  if (!existsSync(database)) {
    throw new UserError(`${path} holds no ${RUN_DATABASE_FILE}: not a run folder`, {
      hint: 'give the --out folder of an al-run or ssl-run (it holds sentinel.db and jobs/)',
    });
  }
  return { dir: given, database };
}
