import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quantizeProbabilities } from '../../../engines/reference/volume-io.js';

test('quantizeProbabilities rounds so that each voxel sums to exactly 255, channel-major', () => {
  // Three voxels, three classes; voxels 0 and 2 are in the region (rows side by side), voxel 1
  // is outside it (background).
  const rows = Float32Array.from([1 / 3, 1 / 3, 1 / 3, 0.5, 0.25, 0.25]);
  const probabilities = { voxels: 3, inside: Int32Array.from([0, 2]), classes: 3, rows };
  const bytes = quantizeProbabilities(probabilities);
  const at = (c: number, v: number) => bytes[c * 3 + v]!;
  for (const v of [0, 1, 2]) assert.equal(at(0, v) + at(1, v) + at(2, v), 255, `voxel ${v}`);
  assert.deepEqual([at(0, 1), at(1, 1), at(2, 1)], [255, 0, 0], 'outside: background');
  assert.deepEqual([at(0, 0), at(1, 0), at(2, 0)], [85, 85, 85]);
  // 0.5 * 255 = 127.5 and 0.25 * 255 = 63.75 twice: the missing byte goes to a largest remainder.
  assert.deepEqual([at(0, 2), at(1, 2), at(2, 2)], [127, 64, 64]);
});
