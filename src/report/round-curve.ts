import { BASELINE_METHOD, CONTROL_METHOD } from '../db/schema.js';
import type { RunData } from './load-run.js';
import { type MethodRow, buildMethodTable } from './method-table.js';

// One point of the per-round curve: a method (at one budget N) after R rounds.
export interface RoundPoint {
  method: string;
  budget: number;
  round: number;
  // Labels revised so far: round x N.
  labels: number;
  seeds: number;
  dsc: number;
  dscStd: number;
  nsd: number;
  nsdStd: number;
}

// The rows of the per-round curve (al-run --rounds): each method's mean over seeds after each
// round, at the labels revised so far (round x N) as its budget; M0 at 0, where every line
// starts. With several budgets each line is one method at one N. Null for a single-round run.
export function roundCurveRows(run: RunData): MethodRow[] | null {
  const later = run.laterRounds ?? [];
  if (later.length === 0) return null;
  const all = [...run.metrics, ...later].filter((r) => r.method !== CONTROL_METHOD);
  const budgets = new Set(all.filter((r) => r.method !== BASELINE_METHOD).map((r) => r.budget));
  const rows = all.map((r) =>
    r.method === BASELINE_METHOD
      ? r
      : {
          ...r,
          method: budgets.size > 1 ? `${r.method} N=${r.budget}` : r.method,
          budget: r.budget * r.round,
        },
  );
  return buildMethodTable({ ...run, metrics: rows, laterRounds: [] });
}

// The per-round curve as data (for the JSON and Markdown reports): one point per method,
// budget and round, from the recorded metrics.
export function roundPoints(run: RunData): RoundPoint[] {
  const later = run.laterRounds ?? [];
  if (later.length === 0) return [];
  const all = [...run.metrics, ...later].filter(
    (r) => r.method !== CONTROL_METHOD && r.method !== BASELINE_METHOD,
  );
  const rounds = [...new Set(all.map((r) => r.round))].sort((a, b) => a - b);
  return rounds.flatMap((round) =>
    buildMethodTable({ ...run, metrics: all.filter((r) => r.round === round), laterRounds: [] })
      .filter((row) => !row.isBaseline)
      .map((row) => ({
        method: row.method,
        budget: row.budget,
        round,
        labels: row.budget * round,
        seeds: row.seeds.length,
        dsc: row.dsc.mean,
        dscStd: row.dsc.std,
        nsd: row.nsd.mean,
        nsdStd: row.nsd.std,
      })),
  );
}
