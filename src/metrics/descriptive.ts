// Mean and sample standard deviation, as the report's "mean +- std over seeds" uses them.

// Arithmetic mean; NaN for no values.
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

// Sample standard deviation (divides by n - 1, numpy's ddof=1); NaN for fewer than 2 values.
export function sampleStd(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return Number.NaN;
  const m = mean(values);
  let ss = 0;
  for (const v of values) ss += (v - m) * (v - m);
  return Math.sqrt(ss / (n - 1));
}

// The values that are not NaN: callers drop "absent in both" Dice/NSD values with it.
export function withoutNaN(values: readonly number[]): number[] {
  return values.filter((v) => !Number.isNaN(v));
}
