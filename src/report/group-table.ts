import { mean } from '../metrics/descriptive.js';
import type { RunData } from './load-run.js';
import { orderMethods } from './method-order.js';
import { seedMeans } from './seed-means.js';

// Test-set Dice per case group (the demo phantoms' groups, or a split file's "groups"): where a
// method's gain comes from, and which sub-population a model forgets. One row per method and
// budget (M0 and the control first), one Dice per group: the mean over seeds of the mean over
// that group's test cases.
export interface GroupTable {
  // Groups in order of their test-case count (largest first), with that count.
  groups: { name: string; cases: number }[];
  rows: { method: string; budget: number; dsc: number[] }[];
}

// Null when the run's test cases carry no group (or only one).
export function buildGroupTable(run: RunData): GroupTable | null {
  const groupOf = new Map<string, string>();
  for (const c of run.cases)
    if (c.role === 'test' && c.caseGroup !== null) groupOf.set(c.caseId, c.caseGroup);
  const counts = new Map<string, number>();
  for (const g of groupOf.values()) counts.set(g, (counts.get(g) ?? 0) + 1);
  if (counts.size < 2) return null;
  const groups = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([name, cases]) => ({ name, cases }));
  const perGroup = groups.map(({ name }) =>
    seedMeans(run.metrics.filter((m) => groupOf.get(m.caseId) === name)),
  );
  const keys = new Map<string, { method: string; budget: number }>();
  for (const s of perGroup[0] ?? []) keys.set(`${s.budget}\u0000${s.method}`, s);
  const order = orderMethods(
    run,
    [...keys.values()].map((k) => k.method),
  );
  const rows = [...keys.values()]
    .sort((a, b) => a.budget - b.budget || order.indexOf(a.method) - order.indexOf(b.method))
    .map(({ method, budget }) => ({
      method,
      budget,
      dsc: perGroup.map((seeds) =>
        mean(
          seeds
            .filter((s) => s.method === method && s.budget === budget && !Number.isNaN(s.dsc))
            .map((s) => s.dsc),
        ),
      ),
    }));
  return { groups, rows };
}
