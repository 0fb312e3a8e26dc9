import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { before, test } from 'node:test';
import { loadRun } from '../../src/report/load-run.js';
import { markdownTable } from '../../src/report/markdown-report.js';
import { type MethodRow, buildMethodTable } from '../../src/report/method-table.js';
import { methodTableCells } from '../../src/report/table-cells.js';
import { TEST_PYTHON, pythonSkipReason } from '../requirements/python-modules.js';
import { DICE, makeReportRun } from './report-fixture.js';

let rows: MethodRow[];
before(async () => {
  rows = buildMethodTable(loadRun(await makeReportRun()));
});

function row(method: string, budget: number): MethodRow {
  const found = rows.find((r) => r.method === method && r.budget === budget);
  assert.ok(found, `no row for ${method} at budget ${budget}`);
  return found;
}

const close = (actual: number | null | undefined, expected: number, tol = 1e-9) =>
  assert.ok(
    actual !== null && actual !== undefined && Math.abs(actual - expected) <= tol,
    `${actual} != ${expected}`,
  );

test('M0 first, then per budget each method in the config order', () => {
  assert.deepEqual(
    rows.map((r) => `${r.method}@${r.budget}`),
    ['baseline@0', 'qs@1', 'entropy@1', 'random@1', 'qs@2', 'entropy@2', 'random@2'],
  );
});

test('Dice and NSD per seed: mean over cases of the mean over organs, absent organs left out', () => {
  // The fixture's organ and case offsets cancel only if the NULL gallbladder is skipped.
  for (const r of rows) {
    const expected = DICE[r.method]?.[r.budget] as number[];
    r.dsc.values.forEach((v, i) => close(v, expected[i] as number, 1e-12));
    r.nsd.values.forEach((v, i) => close(v, (expected[i] as number) + 0.05, 1e-12));
  }
});

test('mean and sample std over seeds, gain over M0: hand-computed', () => {
  const qs1 = row('qs', 1);
  close(qs1.dsc.mean, 2.17 / 3);
  // deviations -0.04/3, 0.05/3, -0.01/3: squares sum 0.0042/9, divided by n - 1 = 2.
  close(qs1.dsc.std, Math.sqrt(0.0042 / 9 / 2));
  close(qs1.nsd.mean, 2.17 / 3 + 0.05);
  close(qs1.gainDsc, 2.17 / 3 - 0.62);
  close(qs1.gainNsd, 2.17 / 3 - 0.62);
  const m0 = row('baseline', 0);
  close(m0.dsc.mean, 0.62);
  assert.ok(Number.isNaN(m0.dsc.std), 'one seed has no std');
  assert.equal(m0.gainDsc, null);
  assert.deepEqual([m0.labeled, m0.selected, m0.unlabeled], [1, 0, 3]);
  assert.deepEqual([qs1.labeled, qs1.selected, qs1.unlabeled], [2, 1, 2]);
  assert.deepEqual([row('qs', 2).labeled, row('qs', 2).unlabeled], [3, 1]);
});

test('quality-estimation cost per repeat: own predict and score jobs, seedless jobs once', () => {
  const qs = row('qs', 1).qeCost;
  assert.ok(qs);
  close(qs.wallS, 12);
  close(qs.cpuS, 10.8);
  assert.equal(qs.peakRssBytes, 1.2e9);
  close(qs.diskBytes, 12e6);
  const entropy = row('entropy', 2).qeCost;
  assert.ok(entropy);
  // the probabilities pass (30 s, no seed) plus the mean score job (2 s)
  close(entropy.wallS, 32);
  assert.equal(entropy.peakRssBytes, 3e9);
  close(entropy.diskBytes, 32e6);
  close(row('random', 1).qeCost?.wallS, 0.5);
  assert.equal(row('baseline', 0).qeCost, null);
  // fine-tune 40 s + test prediction 5 s + evaluation 1 s, per repeat
  close(row('qs', 2).fineTuneCost?.wallS, 46);
  // M0: training 100 s (once) + test prediction 5 s + evaluation 1 s
  close(row('baseline', 0).fineTuneCost?.wallS, 106);
});

test(
  'paired t-test against random equals scipy.stats.ttest_rel',
  {
    skip: pythonSkipReason(['scipy.stats']),
  },
  () => {
    for (const [method, budget] of [
      ['qs', 1],
      ['entropy', 1],
      ['qs', 2],
      ['entropy', 2],
    ] as const) {
      const a = DICE[method]?.[budget] as number[];
      const b = DICE.random?.[budget] as number[];
      const script = `from scipy.stats import ttest_rel\nr = ttest_rel(${JSON.stringify(a)}, ${JSON.stringify(b)})\nci = r.confidence_interval(0.95)\nprint(r.statistic, r.pvalue, ci.low, ci.high)`;
      const out = spawnSync(TEST_PYTHON, ['-c', script], { encoding: 'utf8' });
      assert.equal(out.status, 0, out.stderr);
      const [tStat, p, lo, hi] = out.stdout.trim().split(/\s+/).map(Number) as [
        number,
        number,
        number,
        number,
      ];
      const test = row(method, budget).vsRandomDsc;
      assert.ok(test, `${method}@${budget} has a test`);
      close(test.t, tStat, 1e-9 * Math.abs(tStat));
      close(test.pValue, p, 1e-9 * p + 1e-15);
      close(test.ci95[0], lo, 1e-9);
      close(test.ci95[1], hi, 1e-9);
    }
    assert.equal(row('random', 1).vsRandomDsc, null);
    assert.equal(row('baseline', 0).vsRandomDsc, null);
  },
);

test('the Markdown table has one row per method and budget, with every column filled', () => {
  const table = methodTableCells(rows, 'al');
  const md = markdownTable(table).split('\n');
  assert.equal(md.length, 2 + rows.length);
  for (const column of [
    'labeled',
    'revised',
    'unlabeled',
    'DSC',
    'NSD',
    'ΔDSC vs M0',
    'p (DSC)',
    'DSC − random [95% CI]',
    'QE time',
    'QE peak RAM',
    'QE disk',
  ]) {
    assert.ok(table.header.includes(column), `column ${column}`);
  }
  const qs = md.find((l) => l.startsWith('| qs | 1 |'));
  assert.ok(qs);
  const cells = qs.split(' | ');
  assert.equal(cells.length, table.header.length);
  assert.match(
    qs,
    // qs has the best DSC and NSD at budget 1: bold.
    /\| \*\*0\.723 ± 0\.015\*\* \| \*\*0\.773 ± 0\.015\*\* \| \+0\.103 \| \+0\.103 \| \+0\.043 \[\+0\.029, \+0\.058\] \| 0\.0059 \|/,
  );
  assert.match(qs, /\| 12\.0 s \| 10\.8 s \| 1\.20 GB \| 12\.0 MB \| 46\.0 s \|$/);
  assert.ok(!qs.includes('n/a'));
  assert.ok(md.some((l) => l.startsWith('| M0 | 0 | 1 | 0 | 3 | 1 | 0.620 | 0.670 |')));
  assert.equal(md.filter((l) => l.includes('**')).length, 2, 'one best row per budget');
});
