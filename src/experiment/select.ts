import { seededUniform } from '../seeded-uniform.js';

export interface ScoredCase {
  caseId: string;
  score: number | null;
}

export interface Selected {
  caseId: string;
  // 1 = the first pick.
  rank: number;
  score: number | null;
}

// Active learning: the n cases with the LOWEST quality score (the labels most worth revising).
// Cases without a score (n/a) come first: nothing vouches for their quality.
export function selectLowest(cases: ScoredCase[], n: number, seed: number): Selected[] {
  return rankCases(cases, 'ascending', seed).slice(0, n);
}

// Semi-supervised learning: the k cases with the HIGHEST quality score (the labels to trust).
// Cases without a score come last.
export function selectHighest(cases: ScoredCase[], k: number, seed: number): Selected[] {
  return rankCases(cases, 'descending', seed).slice(0, k);
}

// The whole ranking; ties are broken by a seeded draw per case, so equal scores do not fall
// back on input order.
export function rankCases(
  cases: ScoredCase[],
  order: 'ascending' | 'descending',
  seed: number,
): Selected[] {
  const sign = order === 'ascending' ? 1 : -1;
  const keyed = cases.map((c) => ({ ...c, tie: seededUniform(seed, `tie/${c.caseId}`) }));
  keyed.sort((a, b) => {
    if (a.score === null || b.score === null) {
      if (a.score === b.score) return a.tie - b.tie;
      // n/a first when looking for the worst, last when looking for the best.
      return (a.score === null ? -1 : 1) * sign;
    }
    if (a.score !== b.score) return sign * (a.score - b.score);
    return a.tie - b.tie || (a.caseId < b.caseId ? -1 : 1);
  });
  return keyed.map((c, i) => ({ caseId: c.caseId, rank: i + 1, score: c.score }));
}
