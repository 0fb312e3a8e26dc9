// Paired two-sided t-test of a - b (scipy.stats.ttest_rel), with the mean difference and its
// 95% confidence interval: "method vs random over seeds" in the report. The t distribution's
// CDF and quantile come from @stdlib: simple-statistics has neither (its tTest gives the
// statistic only, no p-value or interval).

import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { mean, sampleStd } from './descriptive.js';

export interface PairedTTest {
  n: number;
  // Mean of a[i] - b[i].
  meanDifference: number;
  // Sample standard deviation of the differences.
  stdDifference: number;
  t: number;
  df: number;
  // Two-sided p-value.
  pValue: number;
  // 95% interval of the mean difference: mean +- t_{0.975, df} * std / sqrt(n).
  ci95: [number, number];
}

// Paired t-test of a against b. Fewer than 2 pairs gives NaN statistics; differences with zero
// spread give t = +-Infinity and p = 0 (or NaN when the mean difference is 0 too), as scipy.
export function pairedTTest(a: readonly number[], b: readonly number[]): PairedTTest {
  if (a.length !== b.length) throw new RangeError(`lengths differ: ${a.length} vs ${b.length}`);
  const n = a.length;
  const d = a.map((v, i) => v - b[i]!);
  const m = mean(d);
  const sd = sampleStd(d);
  const df = n - 1;
  if (n < 2) {
    return {
      n,
      meanDifference: m,
      stdDifference: sd,
      t: Number.NaN,
      df,
      pValue: Number.NaN,
      ci95: [Number.NaN, Number.NaN],
    };
  }
  const se = sd / Math.sqrt(n);
  const t = m / se;
  const pValue = Number.isNaN(t) ? Number.NaN : Math.min(1, 2 * tCdf(-Math.abs(t), df));
  const half = tQuantile(0.975, df) * se;
  return { n, meanDifference: m, stdDifference: sd, t, df, pValue, ci95: [m - half, m + half] };
}
