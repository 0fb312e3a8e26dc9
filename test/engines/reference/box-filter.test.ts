import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boxMean3d } from '../../../engines/reference/box-filter.js';

test('boxMean3d averages over the box, and only over voxels inside the volume at edges', () => {
  const dims = [5, 4, 3] as const;
  const data = new Float32Array(60).map((_, i) => (i * 7919) % 13);
  const radius = [1, 2, 1] as const;
  const out = boxMean3d(data, dims, radius);
  for (const [x, y, z] of [
    [0, 0, 0],
    [2, 1, 1],
    [4, 3, 2],
  ] as const) {
    let sum = 0;
    let count = 0;
    for (let k = z - 1; k <= z + 1; k++) {
      for (let j = y - 2; j <= y + 2; j++) {
        for (let i = x - 1; i <= x + 1; i++) {
          if (i < 0 || j < 0 || k < 0 || i >= 5 || j >= 4 || k >= 3) continue;
          sum += data[i + 5 * (j + 4 * k)]!;
          count++;
        }
      }
    }
    assert.ok(Math.abs(out[x + 5 * (y + 4 * z)]! - sum / count) < 1e-4, `voxel ${x},${y},${z}`);
  }
});
