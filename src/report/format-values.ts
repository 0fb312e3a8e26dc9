import { BASELINE_METHOD } from '../db/schema.js';
import type { PairedTTest } from '../metrics/paired-t-test.js';

// How a method is named in tables and plots (M0 for the baseline, as in the paper).
export function methodLabel(method: string): string {
  return method === BASELINE_METHOD ? 'M0' : method;
}

// "0.812 ± 0.013" (mean ± std over seeds); the std is left out for one seed; "n/a" for none.
export function formatMeanStd(stat: { mean: number; std: number }, digits = 3): string {
  if (!Number.isFinite(stat.mean)) return 'n/a';
  const m = stat.mean.toFixed(digits);
  return Number.isFinite(stat.std) ? `${m} ± ${stat.std.toFixed(digits)}` : m;
}

// A difference with its sign ("+0.012", "−0.004"); "–" for none.
export function formatSigned(value: number | null, digits = 3): string {
  if (value === null || !Number.isFinite(value)) return '–';
  const text = Math.abs(value).toFixed(digits);
  return value < 0 ? `−${text}` : `+${text}`;
}

// A p-value with two significant digits ("0.034", "0.0012", "<1e-6"); "–" for none.
export function formatP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '–';
  if (p < 1e-6) return '<1e-6';
  return p >= 0.01 ? p.toFixed(3) : p.toPrecision(2);
}

// "+0.012 [−0.004, +0.028]": the paired mean difference and its 95% interval. The space before
// the interval is a line break, which Markdown shows as a space and HTML as a new line.
export function formatDifference(test: PairedTTest | null, digits = 3): string {
  if (test === null || !Number.isFinite(test.meanDifference)) return '–';
  const [lo, hi] = test.ci95;
  const ci = Number.isFinite(lo)
    ? `\n[${formatSigned(lo, digits)}, ${formatSigned(hi, digits)}]`
    : '';
  return `${formatSigned(test.meanDifference, digits)}${ci}`;
}

// Seconds as "12.3 s", "4.5 min" or "1.52 h"; "–" for none.
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  if (seconds < 120) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(2)} h`;
}

// Bytes in decimal units as the paper reports them ("1.23 GB", "456 MB", "12 kB"); "–" for none.
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '–';
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(bytes >= 1e8 ? 0 : 1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(0)} kB`;
  return `${bytes} B`;
}

// A number with up to `digits` decimals, "n/a" when not finite.
export function formatNumber(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined || !Number.isFinite(value)
    ? 'n/a'
    : value.toFixed(digits);
}
