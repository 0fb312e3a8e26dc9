import { CASE_LEVEL_ORGAN } from '../db/schema.js';
import type { RunData } from './load-run.js';
import { plannedRun } from './method-order.js';
import { ORACLE_METHOD } from './ranking-quality.js';

// The method whose scores rank the worklist.
export const QS_METHOD = 'qs';

// One pseudo label for an annotator to look at, worst QS score first.
export interface WorklistEntry {
  rank: number;
  caseId: string;
  organ: string;
  // The QS seed whose scores (and pseudo labels) this comes from.
  seed: number;
  qsScore: number;
  // The oracle's score (true Dice) when the run has it.
  trueDice: number | null;
  // The slice where the QS score is worst, as recorded; null when the scorer did not say.
  worstSlice: number | null;
}

export type Worklist =
  | { available: true; seed: number; entries: WorklistEntry[] }
  | { available: false; note: string };

// The `limit` organ labels of the pool with the lowest QS scores (ties by case and organ).
export function buildWorklist(run: RunData, limit: number): Worklist {
  const qs = run.scores.filter((s) => s.method === QS_METHOD && s.organ !== CASE_LEVEL_ORGAN);
  if (qs.length === 0) {
    const asked = plannedRun(run).methods.includes(QS_METHOD);
    return {
      available: false,
      note: asked
        ? 'no QS scores yet: the QS score job has not finished'
        : 'no QS scores in this run: the worklist ranks pool labels by QS (add qs to the methods)',
    };
  }
  const seed = Math.min(...qs.map((s) => s.seed));
  const oracleSeeds = run.scores.filter((s) => s.method === ORACLE_METHOD).map((s) => s.seed);
  const oracleSeed = oracleSeeds.includes(seed) ? seed : Math.min(...oracleSeeds);
  const truth = new Map(
    run.scores
      .filter((s) => s.method === ORACLE_METHOD && s.seed === oracleSeed)
      .map((s) => [`${s.caseId}\u0000${s.organ}`, s.value]),
  );
  const scored = qs.filter(
    (s): s is typeof s & { value: number } => s.seed === seed && s.value !== null,
  );
  scored.sort(
    (a, b) =>
      a.value - b.value || a.caseId.localeCompare(b.caseId) || a.organ.localeCompare(b.organ),
  );
  const entries = scored.slice(0, limit).map((s, i) => ({
    rank: i + 1,
    caseId: s.caseId,
    organ: s.organ,
    seed,
    qsScore: s.value,
    trueDice: truth.get(`${s.caseId}\u0000${s.organ}`) ?? null,
    worstSlice: s.worstSlice,
  }));
  return { available: true, seed, entries };
}
