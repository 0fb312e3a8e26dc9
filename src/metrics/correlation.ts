// Pearson r and Spearman rho between two equally long lists, as scipy.stats computes them.

import { sampleCorrelation } from 'simple-statistics';

function checkPaired(x: readonly number[], y: readonly number[]): void {
  if (x.length !== y.length) throw new RangeError(`lengths differ: ${x.length} vs ${y.length}`);
}

// Pearson's correlation coefficient (simple-statistics); NaN for fewer than 2 pairs or a
// constant list, as scipy.stats.pearsonr.
export function pearson(x: readonly number[], y: readonly number[]): number {
  checkPaired(x, y);
  if (x.length < 2 || isConstant(x) || isConstant(y)) return Number.NaN;
  return Math.max(-1, Math.min(1, sampleCorrelation([...x], [...y])));
}

function isConstant(values: readonly number[]): boolean {
  return values.every((v) => v === values[0]);
}

// 1-based ranks, tied values sharing the mean of their ranks (scipy.stats.rankdata 'average').
// Written here because simple-statistics' sampleRankCorrelation ranks ties by their order
// instead, which is not scipy's Spearman rho on tied data (pseudo labels tie often).
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Array<number>(values.length);
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    while (end < order.length && values[order[end]!] === values[order[start]!]) end++;
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]!] = rank;
    start = end;
  }
  return ranks;
}

// Spearman's rank correlation: Pearson r of the average ranks.
export function spearman(x: readonly number[], y: readonly number[]): number {
  checkPaired(x, y);
  if (x.some(Number.isNaN) || y.some(Number.isNaN)) return Number.NaN;
  return pearson(averageRanks(x), averageRanks(y));
}
