import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quantizeProbabilities } from '../../../src/engine/reference/volume-io.js';

test('quantizeProbabilities rounds so that each voxel sums to exactly 255', () => {
  // Two voxels, three classes, channel-major.
  const probabilities = Float32Array.from([1 / 3, 0.5, 1 / 3, 0.25, 1 / 3, 0.25]);
  const bytes = quantizeProbabilities(probabilities, 3);
  assert.equal(bytes[0]! + bytes[2]! + bytes[4]!, 255);
  assert.equal(bytes[1]! + bytes[3]! + bytes[5]!, 255);
  for (let i = 0; i < 6; i++) assert.ok(Math.abs(bytes[i]! / 255 - probabilities[i]!) <= 1 / 255);
});
