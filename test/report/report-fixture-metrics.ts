// The test-set side of the report fixture: Dice and NSD rows whose per-seed means are known.
import type { MetricRow } from '../../src/db/metrics.js';
import { BASELINE_METHOD } from '../../src/db/schema.js';
import type { DemoDataset } from '../../src/phantom/index.js';
import { ORGANS } from './report-fixture-pool.js';

// Per (method, budget): the test-set Dice of each seed's fine-tuned model (what the per-seed
// mean must come out as); NSD is Dice + 0.05. M0 (baseline) is budget 0, seed 0.
export const DICE: Record<string, Record<number, number[]>> = {
  [BASELINE_METHOD]: { 0: [0.62] },
  qs: { 1: [0.71, 0.74, 0.72], 2: [0.78, 0.8, 0.77] },
  entropy: { 1: [0.69, 0.71, 0.7], 2: [0.74, 0.75, 0.76] },
  random: { 1: [0.66, 0.7, 0.68], 2: [0.73, 0.72, 0.74] },
};

// Test-set rows whose per-seed mean (per case over organs, then over cases) is exactly the DICE
// entry: organ offsets +0.02/-0.02/0 and case offsets +0.01/-0.01 cancel; the gallbladder of
// the second test case is absent from both maps (NULL), which must be left out, not counted 0.
export function testMetrics(
  experimentId: number,
  data: DemoDataset,
  budgets: number[],
  unfinished: boolean,
): MetricRow[] {
  const organOffset = [0.02, -0.02, 0];
  const caseOffset = [0.01, -0.01];
  const rows: MetricRow[] = [];
  for (const [method, perBudget] of Object.entries(DICE)) {
    for (const [budgetText, values] of Object.entries(perBudget)) {
      const budget = Number(budgetText);
      if (method !== BASELINE_METHOD && !budgets.includes(budget)) continue;
      values.forEach((base, seed) => {
        if (unfinished && method === 'random' && budget === 2 && seed === 2) return;
        data.test.forEach((c, ci) => {
          ORGANS.forEach((organ, oi) => {
            const absent = ci === 1 && organ === 'gallbladder';
            const dsc = base + (caseOffset[ci] as number) + (organOffset[oi] as number);
            rows.push({
              experimentId,
              method,
              seed,
              budget,
              round: 1,
              caseId: c.id,
              organ,
              dsc: absent ? null : dsc,
              nsd: absent ? null : dsc + 0.05,
            });
          });
        });
      });
    }
  }
  return rows;
}
