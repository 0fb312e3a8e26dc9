// MAP@k: does a quality ranker put the truly worst labels first?
//
// The Quality Sentinel paper (Chen et al. 2024, arXiv 2406.00327) reports MAP@5 and MAP@10 next
// to Pearson and Spearman but its public code (Schuture/Quality-Sentinel) does not compute them,
// so this is the definition used here, stated exactly:
// - items: pairs (score s_i, true quality y_i), higher = better for both; pairs with a NaN are
//   dropped; k' = min(k, number of items);
// - relevant: the truly worst k'. Items strictly worse than the k'-th smallest y are relevant
//   (relevance 1); when several items tie with the k'-th smallest y and only some of the k'
//   places are left for them, each tied item has the fractional relevance places / tied, so
//   that ties cannot make every item relevant (with 16 of 18 labels at Dice 1, MAP@5 would
//   otherwise be 1 whatever the ranking);
// - ranking: ascending s (predicted worst first), ties in s kept in input order;
// - AP@k = (1/k') * sum over positions j = 1..k' of precision@j * rel(item at j), where
//   precision@j = (sum of rel over positions 1..j) / j, divided by the same sum for the ideal
//   ranking (true quality ascending) so that a perfect ranker scores 1 even with ties (without
//   ties the ideal sum is 1 and this is the usual AP@k);
// - MAP@k = the mean of AP@k over groups (e.g. one group per organ, or a single group for the
//   whole pool); groups with no items are left out.
// A perfect ranker scores 1; a ranker that puts none of the worst k' in its first k' scores 0.

// AP@k of one group of scores against the true qualities; NaN when no pair is usable.
export function averagePrecisionAtK(
  scores: readonly number[],
  truth: readonly number[],
  k: number,
): number {
  if (scores.length !== truth.length) {
    throw new RangeError(`lengths differ: ${scores.length} vs ${truth.length}`);
  }
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  const items: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isNaN(scores[i]!) && !Number.isNaN(truth[i]!)) items.push(i);
  }
  if (items.length === 0) return Number.NaN;
  const kk = Math.min(k, items.length);
  const byTruth = [...items].sort((a, b) => truth[a]! - truth[b]!);
  const threshold = truth[byTruth[kk - 1]!]!;
  const below = items.filter((i) => truth[i]! < threshold).length;
  const tied = items.filter((i) => truth[i]! === threshold).length;
  const tiedRelevance = (kk - below) / tied;
  const relevance = (i: number) =>
    truth[i]! < threshold ? 1 : truth[i]! === threshold ? tiedRelevance : 0;
  // Array.prototype.sort is stable, so equal scores keep input order.
  const ranked = [...items].sort((a, b) => scores[a]! - scores[b]!);
  return precisionSum(ranked, kk, relevance) / precisionSum(byTruth, kk, relevance);
}

// Sum over the first kk positions of precision@j * rel(item at j).
function precisionSum(ranked: number[], kk: number, relevance: (i: number) => number): number {
  let hits = 0;
  let sum = 0;
  for (let j = 0; j < kk; j++) {
    const rel = relevance(ranked[j]!);
    hits += rel;
    sum += (hits / (j + 1)) * rel;
  }
  return sum;
}

// MAP@k: the mean of averagePrecisionAtK over groups; NaN when no group has a usable pair.
export function meanAveragePrecisionAtK(
  groups: readonly { scores: readonly number[]; truth: readonly number[] }[],
  k: number,
): number {
  let sum = 0;
  let count = 0;
  for (const g of groups) {
    const ap = averagePrecisionAtK(g.scores, g.truth, k);
    if (Number.isNaN(ap)) continue;
    sum += ap;
    count++;
  }
  return count === 0 ? Number.NaN : sum / count;
}
