import type { MetricRow } from '../db/metrics.js';
import { CASE_LEVEL_ORGAN } from '../db/schema.js';
import { mean } from '../metrics/descriptive.js';

// The test-set quality of one fine-tuned model (one method, budget and seed).
export interface SeedMean {
  method: string;
  budget: number;
  seed: number;
  // Mean over test cases of the mean over organs; organs with no value (absent in both maps)
  // are left out; NaN when no case has a value.
  dsc: number;
  nsd: number;
  cases: number;
}

// Reduces metric rows to one Dice and one NSD per (method, budget, seed): per test case the mean
// over its organs, then the mean over cases. Case-level rows (organ '*') are used only for a
// model that has no per-organ rows.
export function seedMeans(rows: readonly MetricRow[]): SeedMean[] {
  const groups = new Map<string, MetricRow[]>();
  for (const row of rows) {
    const key = JSON.stringify([row.method, row.budget, row.seed]);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  const out: SeedMean[] = [];
  for (const group of groups.values()) {
    const first = group[0] as MetricRow;
    const organRows = group.filter((r) => r.organ !== CASE_LEVEL_ORGAN);
    const used = organRows.length > 0 ? organRows : group;
    out.push({
      method: first.method,
      budget: first.budget,
      seed: first.seed,
      dsc: meanOfCaseMeans(used, (r) => r.dsc),
      nsd: meanOfCaseMeans(used, (r) => r.nsd),
      cases: new Set(used.map((r) => r.caseId)).size,
    });
  }
  return out.sort(
    (a, b) => a.method.localeCompare(b.method) || a.budget - b.budget || a.seed - b.seed,
  );
}

function meanOfCaseMeans(
  rows: readonly MetricRow[],
  value: (r: MetricRow) => number | null,
): number {
  const byCase = new Map<string, number[]>();
  for (const row of rows) {
    const v = value(row);
    if (v === null || Number.isNaN(v)) continue;
    const values = byCase.get(row.caseId);
    if (values) values.push(v);
    else byCase.set(row.caseId, [v]);
  }
  return mean([...byCase.values()].map((values) => mean(values)));
}
