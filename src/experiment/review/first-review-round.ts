import { jobDir, jobKeys, m0Tag } from '../../db/job-keys.js';
import { findDoneJob } from '../../db/jobs.js';
import { CASE_LEVEL_ORGAN } from '../../db/schema.js';
import { listScores } from '../../db/scores.js';
import { listSelections } from '../../db/selections.js';
import type { Db } from '../../db/types.js';
import type { ExperimentDataset } from '../dataset.js';
import type { ExperimentSettings } from '../experiment-settings.js';
import type { PredictOutput } from '../jobs/engine-jobs.js';
import { predictedFiles } from '../pool-inputs.js';
import { type ReviewCase, writeReviewRound } from './write-review-round.js';

// Review round 1 of al-run --export-worklist: the selection of the first method of --methods
// (first seed, largest budget), each case with M0's pseudo label. Undefined when that method
// selected nothing (its scoring failed).
export async function writeFirstReviewRound(
  db: Db,
  experimentId: number,
  s: ExperimentSettings,
  data: ExperimentDataset,
): Promise<string | undefined> {
  const method = s.methods[0];
  const seed = s.seeds[0] ?? 0;
  const poolKey = jobKeys.predictPool(m0Tag(s.training.repeatM0, seed));
  const pool = findDoneJob(db, experimentId, poolKey);
  if (method === undefined || !pool) return undefined;
  const picked = listSelections(db, experimentId, { method, seed, budget: Math.max(...s.budgets) });
  if (picked.length === 0) return undefined;
  const organRows = listScores(db, experimentId, { method }).filter(
    (r) => r.organ !== CASE_LEVEL_ORGAN,
  );
  // A randomized method's scores are per seed; the others' are recorded once.
  const seedOfScores = organRows.some((o) => o.seed === seed) ? seed : organRows[0]?.seed;
  const images = new Map(data.pool.map((c) => [c.id, c.image]));
  const dir = jobDir(s.runDir, poolKey);
  const cases: ReviewCase[] = picked.map((p) => ({
    caseId: p.caseId,
    rank: p.rank,
    score: p.score,
    image: images.get(p.caseId) as string,
    pseudoLabel: predictedFiles(dir, pool.output as PredictOutput, p.caseId).mask,
    organs: organRows
      .filter((r) => r.caseId === p.caseId && r.seed === seedOfScores)
      .map((r) => ({ organ: r.organ, score: r.value, worstSlice: r.worstSlice })),
  }));
  return writeReviewRound({
    db,
    experimentId,
    runDir: s.runDir,
    round: 1,
    method,
    classes: data.classes,
    cases,
  });
}
