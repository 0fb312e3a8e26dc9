import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ScoreRow } from '../../src/db/scores.js';
import { loadRun } from '../../src/report/load-run.js';
import { rankAgainst, rankingQuality } from '../../src/report/ranking-quality.js';
import { makeReportRun } from './report-fixture.js';

function rows(values: number[]): ScoreRow[] {
  return values.map((value, i) => ({
    experimentId: 1,
    method: 'm',
    seed: 0,
    round: 1,
    budget: 0,
    caseId: `c${i}`,
    organ: 'liver',
    value,
    slices: null,
    worstSlice: null,
  }));
}

test('a ranker that follows the truth scores 1 everywhere; the reverse scores -1 and finds none of the worst', () => {
  const truth = [0.95, 0.1, 0.5, 0.8, 0.3, 0.7, 0.2, 0.9, 0.6, 0.4];
  const byKey = new Map(truth.map((t, i) => [`c${i}\u0000liver`, t]));
  const good = rankAgainst(rows(truth.map((t) => 0.5 * t + 0.2)), byKey);
  // Within rounding: scipy.stats.spearmanr gives 0.9999999999999999 here too.
  assert.ok(Math.abs(good.pearson - 1) < 1e-12);
  assert.ok(Math.abs(good.spearman - 1) < 1e-12);
  assert.deepEqual(
    { ...good, pearson: 1, spearman: 1 },
    { n: 10, pearson: 1, spearman: 1, map5: 1, map10: 1 },
  );
  const reversed = rankAgainst(rows(truth.map((t) => -t)), byKey);
  assert.ok(Math.abs(reversed.spearman + 1) < 1e-12);
  assert.ok(Math.abs(reversed.pearson + 1) < 1e-12);
  // ascending score puts the 5 truly best first: none of the worst 5 in the first 5.
  assert.equal(reversed.map5, 0);
});

test('labels without a score or without a true Dice are left out', () => {
  const byKey = new Map<string, number | null>([
    ['c0\u0000liver', 0.2],
    ['c1\u0000liver', null],
    ['c2\u0000liver', 0.9],
  ]);
  const r = rows([0.1, 0.5, 0.8]);
  r.push({ ...r[0]!, caseId: 'c3', value: null });
  assert.equal(rankAgainst(r, byKey).n, 2);
});

test('every scoring method of the run at the case and organ level, against the oracle', async () => {
  const quality = rankingQuality(loadRun(await makeReportRun()));
  assert.ok(quality.available);
  assert.deepEqual(
    quality.rows.map((r) => `${r.method}/${r.level}/${r.seeds.join('+')}/${r.mean.n}`),
    [
      'qs/case/0/3',
      'qs/organ/0/9',
      'entropy/case/0/3',
      'entropy/organ/0/9',
      'random/case/0+1+2/3',
      'random/organ/0+1+2/9',
    ],
  );
  const qs = quality.rows.find((r) => r.method === 'qs' && r.level === 'organ');
  assert.ok(qs);
  assert.ok(Math.abs(qs.mean.pearson - 1) < 1e-12);
  assert.equal(qs.mean.spearman, 1);
  assert.equal(qs.mean.map5, 1);
  assert.ok(Number.isNaN(qs.std.spearman), 'one seed: no std');
  const random = quality.rows.find((r) => r.method === 'random' && r.level === 'organ');
  assert.equal(random?.perSeed.length, 3);
});

test('without oracle scores the report says how to get ranking quality', async () => {
  const quality = rankingQuality(loadRun(await makeReportRun({ oracle: false })));
  assert.equal(quality.available, false);
  assert.ok(!quality.available && quality.note.includes('oracle'));
});
