import type { CaseScores } from './strategy.js';

// A case's scores after the shared reduction: NaN/Infinity become null (n/a), and the case
// score is the strategy's own or the mean over the organs that have a score.
export interface FinalCaseScores {
  caseId: string;
  organs: { organ: string; score: number | null; slices?: number; worstSlice?: number | null }[];
  caseScore: number | null;
}

// The one place where every strategy's raw output is reduced, so all methods agree on it.
export function finalizeScores(raw: CaseScores[]): FinalCaseScores[] {
  return raw.map((entry) => {
    const organs = entry.organs.map((o) => ({ ...o, score: finiteOrNull(o.score) }));
    const scored = organs.map((o) => o.score).filter((s): s is number => s !== null);
    const mean = scored.length > 0 ? scored.reduce((a, b) => a + b, 0) / scored.length : null;
    const caseScore = entry.caseScore === undefined ? mean : finiteOrNull(entry.caseScore);
    return { caseId: entry.caseId, organs, caseScore };
  });
}

function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}
