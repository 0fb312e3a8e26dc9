// The labeled-only control in the method table (paired difference over seeds) and the test Dice
// per case group, on a run whose per-seed values are set by hand.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MetricRow } from '../../src/db/metrics.js';
import { BASELINE_METHOD, CONTROL_METHOD } from '../../src/db/schema.js';
import { buildGroupTable } from '../../src/report/group-table.js';
import type { RunData } from '../../src/report/load-run.js';
import { buildMethodTable } from '../../src/report/method-table.js';
import { groupCells, trainingStartText } from '../../src/report/table-cells.js';

// Test cases: two 'common' ones and one 'rare'. Per (method, budget): one Dice per seed for the
// common cases and one for the rare case (every organ of a case gets the same Dice).
const TEST_CASES = [
  { id: 't1', group: 'common' },
  { id: 't2', group: 'common' },
  { id: 't3', group: 'rare' },
];
const DICE: Record<string, { budget: number; common: number[]; rare: number[] }> = {
  [BASELINE_METHOD]: { budget: 0, common: [0.8], rare: [0.4] },
  [CONTROL_METHOD]: { budget: 0, common: [0.8, 0.82, 0.81], rare: [0.4, 0.42, 0.41] },
  random: { budget: 2, common: [0.81, 0.83, 0.82], rare: [0.5, 0.49, 0.51] },
  oracle: { budget: 2, common: [0.8, 0.82, 0.8], rare: [0.7, 0.72, 0.74] },
};

function run(): RunData {
  const metrics: MetricRow[] = [];
  for (const [method, { budget, common, rare }] of Object.entries(DICE)) {
    common.forEach((dsc, seed) => {
      for (const c of TEST_CASES) {
        const value = c.group === 'common' ? dsc : (rare[seed] as number);
        for (const organ of ['liver', 'spleen'])
          metrics.push({
            experimentId: 1,
            method,
            seed,
            budget,
            round: 1,
            caseId: c.id,
            organ,
            dsc: value,
            nsd: value,
          });
      }
    });
  }
  const cases = TEST_CASES.map((c) => ({
    experimentId: 1,
    caseId: c.id,
    role: 'test' as const,
    imagePath: `${c.id}.nii.gz`,
    labelPath: null,
    caseGroup: c.group,
  }));
  return {
    dir: '/nowhere',
    name: 'hand-made',
    experiment: {
      kind: 'al',
      config: { methods: ['random', 'oracle'], al: { budgets: [2] } },
    } as RunData['experiment'],
    cases,
    jobs: [],
    metrics,
    scores: [],
    selections: [],
  };
}

const close = (actual: number | undefined, expected: number) =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${actual} != ${expected}`);

// Per seed, the test-set mean is (2 x common + rare) / 3.
const seedMean = (method: string, seed: number) => {
  const d = DICE[method]!;
  return (2 * d.common[seed]! + d.rare[seed]!) / 3;
};

test('every method row carries its paired difference from the labeled-only control', () => {
  const rows = buildMethodTable(run());
  assert.deepEqual(
    rows.map((r) => r.method),
    [BASELINE_METHOD, CONTROL_METHOD, 'random', 'oracle'],
  );
  const oracle = rows.find((r) => r.method === 'oracle')!;
  const expected = [0, 1, 2].map((s) => seedMean('oracle', s) - seedMean(CONTROL_METHOD, s));
  close(oracle.vsControlDsc?.meanDifference, expected.reduce((a, b) => a + b) / 3);
  assert.equal(oracle.vsControlDsc?.df, 2);
  const control = rows.find((r) => r.method === CONTROL_METHOD)!;
  assert.equal(control.vsControlDsc, null, 'the control is not compared with itself');
  assert.equal(rows[0]?.vsControlDsc, null, 'nor is M0');
});

test('test Dice per group: groups by size, the mean over seeds of each group mean', () => {
  const table = buildGroupTable(run());
  assert.ok(table);
  assert.deepEqual(table.groups, [
    { name: 'common', cases: 2 },
    { name: 'rare', cases: 1 },
  ]);
  const oracle = table.rows.find((r) => r.method === 'oracle')!;
  close(oracle.dsc[0], (0.8 + 0.82 + 0.8) / 3);
  close(oracle.dsc[1], (0.7 + 0.72 + 0.74) / 3);
  assert.deepEqual(groupCells(table).header, ['method', 'budget', 'common (2)', 'rare (1)']);
  assert.deepEqual(groupCells(table).rows[0], ['M0', '0', '0.800', '0.400']);
});

test('no group table when the test cases carry no group', () => {
  const plain = run();
  plain.cases = plain.cases.map((c) => ({ ...c, caseGroup: null }));
  assert.equal(buildGroupTable(plain), null);
});

test('where fine-tunes start is said in words', () => {
  assert.equal(trainingStartText({ pretrained: null, finetuneFrom: null }), null);
  assert.match(
    trainingStartText({ pretrained: 'init.json', finetuneFrom: 'init' }) ?? '',
    /M0: the pretrained init \(init\.json\) fine-tuned on the labeled set\. Fine-tunes .* start from the pretrained init\./,
  );
  assert.match(
    trainingStartText({ pretrained: null, finetuneFrom: 'm0' }) ?? '',
    /trained from scratch .* start from M0\./,
  );
});
