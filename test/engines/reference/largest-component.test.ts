import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keepLargestComponents } from '../../../engines/reference/largest-component.js';

test('keepLargestComponents keeps the largest 6-connected island of each label', () => {
  // A 6 x 1 x 1 row: label 1 as islands of 2 and 1 voxels, label 2 as one island.
  const mask = Uint8Array.from([1, 1, 0, 1, 2, 2]);
  const removed = keepLargestComponents(mask, [6, 1, 1]);
  assert.deepEqual([...mask], [1, 1, 0, 0, 2, 2]);
  assert.equal(removed, 1);
});

test('keepLargestComponents does not connect voxels that only touch diagonally', () => {
  // 2 x 2 x 1: label 3 on the diagonal (two islands of one voxel), the first one wins.
  const mask = Uint8Array.from([3, 0, 0, 3]);
  keepLargestComponents(mask, [2, 2, 1]);
  assert.deepEqual([...mask], [3, 0, 0, 0]);
});
