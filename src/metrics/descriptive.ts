import { sampleStandardDeviation, mean as ssMean } from 'simple-statistics';

// Mean and sample standard deviation (simple-statistics, numpy's numbers), as the report's
// "mean +- std over seeds" uses them; NaN where too few values make them undefined, as numpy.

// Arithmetic mean; NaN for no values.
export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : ssMean([...values]);
}

// Sample standard deviation (divides by n - 1, numpy's ddof=1); NaN for fewer than 2 values.
export function sampleStd(values: readonly number[]): number {
  return values.length < 2 ? Number.NaN : sampleStandardDeviation([...values]);
}

// The values that are not NaN: callers drop "absent in both" Dice/NSD values with it.
export function withoutNaN(values: readonly number[]): number[] {
  return values.filter((v) => !Number.isNaN(v));
}
