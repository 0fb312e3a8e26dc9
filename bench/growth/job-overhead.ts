import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { jobDir } from '../../src/db/job-keys.js';

// A done job's overhead: its recorded span (started_at..finished_at) minus the wall metered
// around its process, i.e. what the orchestrator spent on it (writing the request, checking the
// outputs against the request and the images' grids, hashing the output files, recording rows).
export interface JobOverhead {
  key: string;
  overheadS: number;
  // The cases its request(s) listed (the pool's for a pool prediction or a score job).
  cases: number;
}

// The run's jobs split in two: those whose work does not grow with the pool (train, fine-tune,
// test prediction, evaluation: their requests list the labeled, selected or test cases) and
// those that handle the pool (their requests list at least the pool's cases).
export interface OverheadFigures {
  jobs: number;
  firstStart: number;
  fixed: { count: number; medianMs: number; maxMs: number; max: string };
  poolWide: { count: number; cases: number; msPerCase: number; worst: string };
}

// Reads the done jobs of the run in runDir and each job's request.json (shard-*/ for a job
// run as an array); `pool` is the pool's size.
export function overheadFigures(runDir: string, pool: number): OverheadFigures {
  const db = new Database(join(runDir, 'sentinel.db'), { readonly: true });
  let rows: { key: string; started_at: string; finished_at: string; wall_s: number }[];
  try {
    rows = db
      .prepare("select key, started_at, finished_at, wall_s from jobs where status = 'done'")
      .all() as typeof rows;
  } finally {
    db.close();
  }
  const jobs: JobOverhead[] = rows.map((r) => ({
    key: r.key,
    overheadS: Math.max(
      0,
      (Date.parse(r.finished_at) - Date.parse(r.started_at)) / 1000 - r.wall_s,
    ),
    cases: casesInRequests(jobDir(runDir, r.key)),
  }));
  const fixed = jobs.filter((j) => j.cases < pool);
  const poolWide = jobs.filter((j) => j.cases >= pool);
  return {
    jobs: jobs.length,
    firstStart: Math.min(...rows.map((r) => Date.parse(r.started_at))),
    fixed: fixedFigures(fixed),
    poolWide: poolFigures(poolWide),
  };
}

function fixedFigures(jobs: JobOverhead[]): OverheadFigures['fixed'] {
  const ms = jobs.map((j) => j.overheadS * 1000).sort((a, b) => a - b);
  const mid = ms.length / 2;
  const medianMs =
    ms.length === 0 ? 0 : ms.length % 2 ? ms[Math.floor(mid)]! : (ms[mid - 1]! + ms[mid]!) / 2;
  const worst = jobs.reduce((a, b) => (b.overheadS > a.overheadS ? b : a), jobs[0]!);
  return { count: jobs.length, medianMs, maxMs: ms.at(-1) ?? 0, max: worst?.key ?? '-' };
}

function poolFigures(jobs: JobOverhead[]): OverheadFigures['poolWide'] {
  const perCase = (j: JobOverhead) => (j.overheadS * 1000) / j.cases;
  const cases = jobs.reduce((sum, j) => sum + j.cases, 0);
  const totalMs = jobs.reduce((sum, j) => sum + j.overheadS * 1000, 0);
  const worst = jobs.reduce((a, b) => (perCase(b) > perCase(a) ? b : a), jobs[0]!);
  return {
    count: jobs.length,
    cases,
    msPerCase: cases === 0 ? 0 : totalMs / cases,
    worst: worst ? `${worst.key} ${perCase(worst).toFixed(2)}` : '-',
  };
}

// The cases listed in a job folder's request.json, or in its shards' (shard-*/request.json).
function casesInRequests(dir: string): number {
  const count = (path: string) =>
    existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')).cases?.length ?? 0) : 0;
  const top = count(join(dir, 'request.json'));
  if (top > 0 || !existsSync(dir)) return top;
  return readdirSync(dir)
    .filter((name) => name.startsWith('shard-'))
    .reduce((sum, name) => sum + count(join(dir, name, 'request.json')), 0);
}
