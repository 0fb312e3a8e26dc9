import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toCsv } from '../csv/to-csv.js';
import { CASE_LEVEL_ORGAN } from '../db/schema.js';
import { listScores } from '../db/scores.js';
import { listSelections } from '../db/selections.js';
import type { Db } from '../db/types.js';
import type { ExperimentDataset } from './dataset.js';
import type { ExperimentSettings } from './experiment-settings.js';
import { writeFirstReviewRound } from './review/first-review-round.js';

// For real annotators (al-run --export-worklist): per method, the cases to revise at the largest
// budget (first seed), worst first, each with its organs' scores (worst organ first), image path;
// then review round 1, the folder annotators open (the first method's cases, review/round-1/).
export async function writeWorklists(
  db: Db,
  experimentId: number,
  s: ExperimentSettings,
  data: ExperimentDataset,
): Promise<string[]> {
  const seed = s.seeds[0] ?? 0;
  const budget = Math.max(...s.budgets);
  const images = new Map(data.pool.map((c) => [c.id, c.image]));
  const written: string[] = [];
  for (const method of s.methods) {
    const picked = listSelections(db, experimentId, { method, seed, budget, round: 1 });
    if (picked.length === 0) continue;
    const organRows = listScores(db, experimentId, { method, round: 1, budget: 0 }).filter(
      (r) => r.organ !== CASE_LEVEL_ORGAN,
    );
    // The seed's rows when the method has any (a randomized method), else all of them; by case.
    const ofSeed = organRows.some((o) => o.seed === seed);
    const byCase = new Map<string, typeof organRows>();
    for (const r of organRows) {
      if (r.value === null || (ofSeed && r.seed !== seed)) continue;
      const rows = byCase.get(r.caseId);
      if (rows) rows.push(r);
      else byCase.set(r.caseId, [r]);
    }
    const lines = picked.map((p) => {
      const organs = (byCase.get(p.caseId) ?? [])
        .sort((a, b) => (a.value as number) - (b.value as number))
        .slice(0, 5)
        .map((r) => `${r.organ}=${(r.value as number).toFixed(3)}`)
        .join(' ');
      return [p.rank, p.caseId, p.score?.toFixed(4), organs, images.get(p.caseId)];
    });
    const path = join(s.runDir, `worklist-${method}.csv`);
    await writeFile(path, toCsv(['rank', 'case', 'score', 'worst_organs', 'image'], lines));
    written.push(path);
  }
  const review = await writeFirstReviewRound(db, experimentId, s, data);
  if (review) written.push(review);
  return written;
}
