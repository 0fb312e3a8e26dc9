import assert from 'node:assert/strict';
import { test } from 'node:test';
import { averagePrecisionAtK, meanAveragePrecisionAtK } from '../../src/metrics/map-at-k.js';

// True Dice of six labels; the worst two are items 3 (0.2) and 1 (0.4).
const truth = [0.9, 0.4, 0.8, 0.2, 0.95, 0.7];

test('a perfect ranker scores 1, a reversed one 0', () => {
  assert.equal(averagePrecisionAtK(truth, truth, 2), 1);
  assert.equal(averagePrecisionAtK(truth, truth, 6), 1);
  assert.equal(
    averagePrecisionAtK(
      truth.map((v) => -v),
      truth,
      2,
    ),
    0,
  );
});

test('AP@k sums precision at the hits of the first k, over k', () => {
  // Predicted order (ascending score): 5, 3, 0, 1, ... -> hits at positions 2 only within k = 2.
  const scores = [0.5, 0.6, 0.9, 0.3, 0.99, 0.1];
  assert.equal(averagePrecisionAtK(scores, truth, 2), 1 / 2 / 2);
  // k = 3: worst three are 3, 1, 5; ranked 5 (hit), 3 (hit), 0 (miss) -> (1 + 1) / 3.
  assert.equal(averagePrecisionAtK(scores, truth, 3), (1 / 1 + 2 / 2) / 3);
  // k = 4: worst four 3, 1, 5, 2; ranked 5 h, 3 h, 0 m, 1 h -> (1 + 1 + 3/4) / 4.
  assert.equal(averagePrecisionAtK(scores, truth, 4), (1 + 1 + 3 / 4) / 4);
});

test('ties at the k-th worst share the places left; k larger than the list', () => {
  // Worst two of [0.5, 0.5, 0.1]: item 2, then ONE of the tied items (relevance 1/2 each).
  // The ideal ranking (2, then a tied one) sums 1 * 1 + (1.5 / 2) * 1/2 = 1.375.
  // Ranked 0 (rel 1/2), 1 (rel 1/2): 1/2 * 1/2 + (1 / 2) * 1/2 = 0.5.
  assert.equal(averagePrecisionAtK([0.1, 0.2, 0.3], [0.5, 0.5, 0.1], 2), 0.5 / 1.375);
  // Ranked 2 first, then a tied one: the ideal.
  assert.equal(averagePrecisionAtK([0.2, 0.3, 0.1], [0.5, 0.5, 0.1], 2), 1);
  assert.equal(averagePrecisionAtK([0.3, 0.2, 0.1], [0.9, 0.5, 0.1], 10), 1);
});

test('many perfect labels do not make every ranking perfect', () => {
  // 2 bad labels and 16 at Dice 1: MAP@5 rewards finding the 2 bad ones, not the tie.
  const truth = [0.3, 0.6, ...Array.from({ length: 16 }, () => 1)];
  const good = truth.map((v) => v);
  const bad = truth.map((v) => -v);
  assert.equal(averagePrecisionAtK(good, truth, 5), 1);
  assert.ok(averagePrecisionAtK(bad, truth, 5) < 0.2, 'worst ranking scores low');
});

test('NaN pairs are dropped; no usable pair gives NaN', () => {
  assert.equal(averagePrecisionAtK([0.1, Number.NaN, 0.9], [0.1, 0.0, 0.9], 1), 1);
  assert.ok(Number.isNaN(averagePrecisionAtK([Number.NaN], [1], 5)));
  assert.throws(() => averagePrecisionAtK([1], [1], 0), RangeError);
});

test('MAP@k is the mean AP@k over groups, skipping empty ones', () => {
  const groups = [
    { scores: truth, truth },
    { scores: truth.map((v) => -v), truth },
    { scores: [], truth: [] },
  ];
  assert.equal(meanAveragePrecisionAtK(groups, 2), 0.5);
  assert.ok(Number.isNaN(meanAveragePrecisionAtK([], 5)));
});
