import assert from 'node:assert/strict';
import { test } from 'node:test';
import { averageRanks, pearson, spearman } from '../../src/metrics/correlation.js';
import { mean, sampleStd, withoutNaN } from '../../src/metrics/descriptive.js';
import { pairedTTest } from '../../src/metrics/paired-t-test.js';
import { referenceStats, scipySkipReason } from './scipy-reference.js';

const skip = scipySkipReason();

function close(actual: number, expected: number | null, tolerance: number, what: string): void {
  assert.ok(expected !== null, `${what}: reference is NaN`);
  assert.ok(
    Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} vs ${expected}`,
  );
}

// Fixed numbers: Dice per seed of a method and of random (a, b), and predicted vs true quality
// (x, y) with ties in both, as the report and `sentinel score --truth` see them.
const fixtures = [
  {
    name: 'five seeds, QS vs random',
    a: [0.8123, 0.8211, 0.8034, 0.8302, 0.8177],
    b: [0.7902, 0.8015, 0.7987, 0.8011, 0.7893],
    x: [0.91, 0.42, 0.77, 0.77, 0.13, 0.88, 0.65, 0.42, 0.99, 0.31],
    y: [0.95, 0.51, 0.7, 0.81, 0.2, 0.83, 0.7, 0.38, 0.97, 0.44],
  },
  {
    name: 'small effect, large p',
    a: [0.5, 0.61, 0.43, 0.57, 0.52, 0.49, 0.6],
    b: [0.52, 0.58, 0.47, 0.55, 0.5, 0.51, 0.57],
    x: [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5],
    y: [2, 7, 1, 8, 2, 8, 1, 8, 2, 8, 4],
  },
  {
    name: 'negative difference, n = 2',
    a: [0.1, 0.3],
    b: [0.4, 0.5],
    x: [1, 2, 3],
    y: [3, 2, 1.5],
  },
];

for (const f of fixtures) {
  test(`Pearson, Spearman and paired t-test equal scipy.stats: ${f.name}`, { skip }, () => {
    const ref = referenceStats(f);
    close(pearson(f.x, f.y), ref.pearson, 1e-12, 'pearson');
    close(spearman(f.x, f.y), ref.spearman, 1e-12, 'spearman');
    const t = pairedTTest(f.a, f.b);
    assert.equal(t.df, ref.df);
    close(t.t, ref.t, 1e-12, 't');
    close(t.pValue, ref.p, 1e-12, 'p-value');
    close(t.meanDifference, ref.mean_difference, 1e-12, 'mean difference');
    close(t.ci95[0], ref.ci95[0], 1e-10, 'ci low');
    close(t.ci95[1], ref.ci95[1], 1e-10, 'ci high');
  });
}

test('paired t-test: known value without scipy', () => {
  // d = [1, 2, 3]: mean 2, sd 1, t = 2 / (1 / sqrt 3) = 2 sqrt 3, df 2, p = 0.0741799...
  const t = pairedTTest([2, 4, 6], [1, 2, 3]);
  assert.equal(t.meanDifference, 2);
  assert.ok(Math.abs(t.t - 2 * Math.sqrt(3)) < 1e-12);
  assert.ok(Math.abs(t.pValue - 0.07417990022744858) < 1e-12, `${t.pValue}`);
  // t_{0.975, 2} = 4.302652729911275
  assert.ok(Math.abs(t.ci95[1] - (2 + 4.302652729911275 / Math.sqrt(3))) < 1e-9);
});

test('paired t-test edge cases: n < 2, zero spread', () => {
  const one = pairedTTest([1], [0]);
  assert.ok(Number.isNaN(one.t) && Number.isNaN(one.pValue));
  const same = pairedTTest([1, 2, 3], [1, 2, 3]);
  assert.ok(Number.isNaN(same.t) && Number.isNaN(same.pValue));
  const shifted = pairedTTest([2, 3, 4], [1, 2, 3]);
  assert.equal(shifted.t, Number.POSITIVE_INFINITY);
  assert.equal(shifted.pValue, 0);
  assert.throws(() => pairedTTest([1, 2], [1]), RangeError);
});

test('average ranks share ties as scipy rankdata does', () => {
  assert.deepEqual(averageRanks([10, 20, 10, 30, 20, 10]), [2, 4.5, 2, 6, 4.5, 2]);
  assert.deepEqual(averageRanks([]), []);
});

test('correlations: perfect, constant and too short inputs', () => {
  assert.equal(pearson([1, 2, 3], [2, 4, 6]), 1);
  assert.equal(spearman([1, 2, 3], [1, 8, 27]), 1);
  assert.equal(spearman([1, 2, 3], [3, 2, 1]), -1);
  assert.ok(Number.isNaN(pearson([1, 1, 1], [1, 2, 3])));
  // Constant, though its floating-point mean is not exactly 0.1: NaN as scipy, not noise.
  assert.ok(Number.isNaN(pearson([1, 2, 3], [0.1, 0.1, 0.1])));
  assert.ok(Number.isNaN(pearson([1], [1])));
  assert.ok(Number.isNaN(spearman([1, Number.NaN], [1, 2])));
});

test('mean and sample std (n - 1)', () => {
  assert.equal(mean([1, 2, 3, 4]), 2.5);
  assert.ok(Math.abs(sampleStd([1, 2, 3, 4]) - Math.sqrt(5 / 3)) < 1e-15);
  assert.ok(Number.isNaN(mean([])));
  assert.ok(Number.isNaN(sampleStd([7])));
  assert.deepEqual(withoutNaN([1, Number.NaN, 2]), [1, 2]);
});
