import { toCsv } from '../csv/to-csv.js';
import { pearson, spearman } from '../metrics/correlation.js';
import { meanAveragePrecisionAtK } from '../metrics/map-at-k.js';

// One scored organ of one case, as `sentinel score` writes it.
export interface ScoredOrgan {
  caseId: string;
  organ: string;
  score: number | null;
  slices: number;
  // The slice index k (stored order) whose QS output was lowest: where a reviewer looks first.
  worstSlice?: number | null;
  trueDice?: number;
  // Set when the score is invalid (score null): why, e.g. the CT's NaN or infinite voxels.
  invalid?: string;
}

// The long-form CSV: case,organ,score,slices[,true_dice],invalid; n/a is an empty field, and
// `invalid` says why a score is not valid (empty when it is, or when there is simply none).
export function scoresCsv(rows: ScoredOrgan[], withTruth: boolean): string {
  const header = ['case', 'organ', 'score', 'slices', ...(withTruth ? ['true_dice'] : [])];
  const lines = rows.map((r) => [
    r.caseId,
    r.organ,
    formatNumber(r.score),
    r.score === null ? null : r.slices,
    ...(withTruth ? [formatNumber(r.trueDice ?? null)] : []),
    r.invalid ?? null,
  ]);
  return toCsv([...header, 'invalid'], lines);
}

// The worklist: scored organs, worst predicted quality first (ties by case and organ name),
// each with the slice to look at first; then the organs whose score is invalid, unranked, with
// why (a reviewer should see them, but they are not the worst: they are unknown).
export function worklistCsv(rows: ScoredOrgan[]): string {
  const scored = rows.filter((r) => r.score !== null && Number.isFinite(r.score));
  scored.sort(
    (a, b) =>
      (a.score as number) - (b.score as number) ||
      a.caseId.localeCompare(b.caseId) ||
      a.organ.localeCompare(b.organ),
  );
  const lines = scored.map((r, i) => [
    i + 1,
    r.caseId,
    r.organ,
    formatNumber(r.score),
    r.slices,
    r.worstSlice,
    null,
  ]);
  const invalid = rows
    .filter((r) => r.invalid !== undefined)
    .map((r) => [null, r.caseId, r.organ, null, r.slices, null, r.invalid ?? null]);
  return toCsv(
    ['rank', 'case', 'organ', 'score', 'slices', 'worst_slice', 'invalid'],
    [...lines, ...invalid],
  );
}

// Per organ: how many scores, their mean, and the share below 0.8 (the paper's Table 2).
export function organSummaryTable(rows: ScoredOrgan[]): string {
  const byOrgan = new Map<string, number[]>();
  for (const r of rows)
    if (r.score !== null && Number.isFinite(r.score))
      byOrgan.set(r.organ, [...(byOrgan.get(r.organ) ?? []), r.score]);
  const lines = [...byOrgan.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([organ, s]) => {
      const mean = s.reduce((x, y) => x + y, 0) / s.length;
      const low = s.filter((v) => v < 0.8).length / s.length;
      return [organ, String(s.length), mean.toFixed(3), `${(100 * low).toFixed(0)}%`];
    });
  return formatTable(['organ', 'n', 'mean QS', 'below 0.8'], lines);
}

// What the summary's and the CSVs' columns mean, printed under the summary.
export const SCORE_COLUMNS_LEGEND =
  "n: organ labels scored; below 0.8: the share of them whose QS score (predicted Dice) is under 0.8. In the CSVs, slices: the slices QS scored (empty when the organ got no score); the worklist's worst_slice: the 0-based index k, along the image's third voxel axis, of the slice with the organ's lowest QS output.";

// How well the scores rank the labels against their true Dice: Pearson, Spearman, MAP@5 and
// MAP@10 (all organ labels as one ranking; src/metrics/map-at-k.ts defines MAP@k).
export function rankingQuality(rows: ScoredOrgan[]): {
  n: number;
  pearson: number;
  spearman: number;
  map5: number;
  map10: number;
} {
  const pairs = rows.filter(
    (r) => r.score !== null && r.trueDice !== undefined && Number.isFinite(r.trueDice),
  );
  const scores = pairs.map((r) => r.score as number);
  const truth = pairs.map((r) => r.trueDice as number);
  return {
    n: pairs.length,
    pearson: pearson(scores, truth),
    spearman: spearman(scores, truth),
    map5: meanAveragePrecisionAtK([{ scores, truth }], 5),
    map10: meanAveragePrecisionAtK([{ scores, truth }], 10),
  };
}

// A plain-text table with aligned columns.
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

// A score to 7 significant digits (what QS's float32 output holds); missing stays missing.
function formatNumber(value: number | null): string | null {
  return value === null || !Number.isFinite(value) ? null : String(Number(value.toPrecision(7)));
}

// Which model scored, and for the shipped phantom-trained one what it is not for.
export function modelLine(model: {
  name: string;
  dir: string;
  sha256: string | null;
  shipped: boolean;
}): string {
  const id = `QS model ${model.name} (${model.dir}${model.sha256 ? `, sha256 ${model.sha256.slice(0, 12)}` : ''})`;
  if (!model.shipped) return `${id}\n`;
  return `${id}\nwarning: this is the shipped model, trained on synthetic phantoms only: on real CT its scores run low and are not a quality measure (models/qs-phantom/CARD.md). For real CT export the authors' model (npm run qs:export-official, README "QS models") and pass --model models/qs-official.\n`;
}
