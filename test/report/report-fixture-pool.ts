// The pool side of the report fixture: scores of every method (the oracle's are the true Dice)
// and the pool predict job's folder with pseudo-label masks for the worklist thumbnails.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CASE_LEVEL_ORGAN } from '../../src/db/schema.js';
import type { ScoreInput } from '../../src/db/scores.js';
import { recordSelection } from '../../src/db/selections.js';
import type { Db } from '../../src/db/types.js';
import { selectLowest } from '../../src/experiment/select.js';
import { type DemoDataset, phantomClassMap } from '../../src/phantom/index.js';
import { readLabelMap, writeNifti } from '../../src/volume/index.js';

export const SEEDS = [0, 1, 2];
export const ORGANS = ['liver', 'spleen', 'gallbladder'] as const;

// Pool scores: QS close to the truth, entropy loosely, random by seed; the oracle is the true
// Dice. The worst QS label is case 2's liver (worst slice recorded), then case 0's spleen (none).
export const TRUE_DICE: Record<string, number>[] = [
  { liver: 0.92, spleen: 0.55, gallbladder: 0.81 },
  { liver: 0.88, spleen: 0.9, gallbladder: 0.7 },
  { liver: 0.4, spleen: 0.86, gallbladder: 0.93 },
];
export function poolScores(experimentId: number, data: DemoDataset, oracle: boolean): ScoreInput[] {
  const rows: ScoreInput[] = [];
  const add = (
    method: string,
    seed: number,
    value: (ci: number, organ: string) => number,
    worst?: (ci: number, organ: string) => number | null,
  ) => {
    data.pool.forEach((c, ci) => {
      const organValues = ORGANS.map((o) => value(ci, o));
      rows.push({
        experimentId,
        method,
        seed,
        caseId: c.id,
        organ: CASE_LEVEL_ORGAN,
        value: organValues.reduce((a, b) => a + b) / organValues.length,
      });
      ORGANS.forEach((organ, oi) =>
        rows.push({
          experimentId,
          method,
          seed,
          caseId: c.id,
          organ,
          value: organValues[oi] as number,
          worstSlice: worst?.(ci, organ) ?? null,
        }),
      );
    });
  };
  const truth = (ci: number, organ: string) => TRUE_DICE[ci]?.[organ] as number;
  // Deterministic methods are recorded under M0's seed (0); random under each seed.
  add(
    'qs',
    0,
    (ci, o) => truth(ci, o) * 0.95 + 0.03,
    (ci, o) => (ci === 2 && o === 'liver' ? 14 : null),
  );
  add('entropy', 0, (ci, o) => -Math.abs(truth(ci, o) - 0.8));
  for (const seed of SEEDS)
    add('random', seed, (ci, o) => ((ci * 7 + o.length * 3 + seed * 5) % 11) / 11);
  if (oracle) add('oracle', 0, truth);
  return rows;
}

// Each method's AL selection per seed and budget from the pool scores, as al-run records them
// (the lowest case scores; deterministic methods' scores are under seed 0, random's per seed).
export function recordPoolSelections(
  db: Db,
  experimentId: number,
  scores: readonly ScoreInput[],
  budgets: readonly number[],
): void {
  const methods = [...new Set(scores.map((s) => s.method))];
  for (const method of methods) {
    for (const seed of SEEDS) {
      const cases = scores
        .filter((s) => s.method === method && s.organ === CASE_LEVEL_ORGAN)
        .filter((s) => s.seed === (method === 'random' ? seed : 0))
        .map((s) => ({ caseId: s.caseId, score: s.value }));
      for (const budget of budgets)
        recordSelection(
          db,
          { experimentId, method, seed, budget },
          selectLowest(cases, budget, seed),
        );
    }
  }
}

// The pool predict job's folder: each pool case's ground truth with its liver cut in half
// (the pseudo labels the thumbnails outline), and the request that names the classes.
export async function writePseudoLabels(runDir: string, data: DemoDataset): Promise<void> {
  const dir = join(runDir, 'jobs', 'predict__pool__m0');
  mkdirSync(join(dir, 'out'), { recursive: true });
  writeFileSync(
    join(dir, 'request.json'),
    JSON.stringify({ action: 'predict', classes: phantomClassMap() }),
  );
  for (const c of data.pool) {
    const label = await readLabelMap(c.label);
    const [nx = 1, ny = 1] = label.dims;
    for (let i = 0; i < label.data.length; i++) {
      if (label.data[i] === 1 && i % nx < nx / 2 && Math.floor(i / nx) % ny < ny / 2)
        label.data[i] = 0;
    }
    await writeNifti(join(dir, 'out', `${c.id}.nii.gz`), label);
  }
}
