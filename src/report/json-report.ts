import type { Report } from './build-report.js';

// The report as JSON for programs: every figure unrounded, NaN and infinities as null,
// thumbnails as their file names (relative to the JSON) and plots left out (they are SVG files).
export function reportJson(report: Report, thumbnailFiles: readonly (string | null)[]): string {
  const { thumbnails, plots, ...rest } = report;
  const plain = {
    format: 'sentinel-report/1',
    ...rest,
    thumbnails: thumbnails.map((t, i) =>
      t.ok ? { slice: t.slice, file: thumbnailFiles[i] ?? null } : { note: t.note },
    ),
  };
  return `${JSON.stringify(plain, finiteOrNull, 2)}\n`;
}

function finiteOrNull(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}
