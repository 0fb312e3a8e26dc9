import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diceBinary, diceFromCounts, dicePerLabel } from '../../src/metrics/dice.js';

test('Dice of overlapping labels is 2|A n B| / (|A| + |B|)', () => {
  const pred = Uint8Array.from([0, 1, 1, 1, 2, 2, 0, 3]);
  const truth = Uint8Array.from([1, 1, 1, 0, 2, 0, 2, 0]);
  const dice = dicePerLabel(pred, truth, [1, 2, 3, 4]);
  assert.equal(dice.get(1), (2 * 2) / (3 + 3));
  assert.equal(dice.get(2), (2 * 1) / (2 + 2));
  // In one map only: 0. In neither: NaN, so "absent in both" can be told apart.
  assert.equal(dice.get(3), 0);
  assert.ok(Number.isNaN(dice.get(4)));
  assert.deepEqual([...dice.keys()], [1, 2, 3, 4]);
});

test('diceFromCounts carries the conventions', () => {
  assert.ok(Number.isNaN(diceFromCounts(0, 0, 0)));
  assert.equal(diceFromCounts(5, 0, 0), 0);
  assert.equal(diceFromCounts(0, 5, 0), 0);
  assert.equal(diceFromCounts(4, 4, 4), 1);
});

test('binary Dice treats any non-zero value as foreground', () => {
  assert.equal(diceBinary([0, 3, 3, 0], [0, 1, 0, 0]), (2 * 1) / 3);
  assert.ok(Number.isNaN(diceBinary([0, 0], [0, 0])));
  assert.equal(diceBinary([1, 1], [0, 0]), 0);
  assert.throws(() => diceBinary([1], [1, 0]), RangeError);
});

test('float label maps: only exact integer values count as labels', () => {
  const pred = Float32Array.from([1, 1.5, 2, -1, Number.NaN, 1]);
  const truth = Float32Array.from([1, 1, 2, 2, 1, 0]);
  const dice = dicePerLabel(pred, truth, [1, 2]);
  assert.equal(dice.get(1), (2 * 1) / (2 + 3));
  assert.equal(dice.get(2), (2 * 1) / (1 + 2));
});

test('labels must be non-negative integers', () => {
  assert.throws(() => dicePerLabel([1], [1], [1.5]), RangeError);
  assert.throws(() => dicePerLabel([1], [1], [-1]), RangeError);
});
