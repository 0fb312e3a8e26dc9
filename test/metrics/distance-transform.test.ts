import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  distanceTransform,
  squaredDistanceTransform,
} from '../../src/metrics/distance-transform.js';
import { randomMask, seededRandom } from './label-phantoms.js';
import { referenceDistance, scipySkipReason } from './scipy-reference.js';

const skip = scipySkipReason();

function maxAbsDifference(a: Float64Array, b: Float64Array): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

test('one feature voxel: distance is the spacing-weighted Euclidean norm', () => {
  const dims = [7, 5, 4] as const;
  const spacing = [0.7, 1.3, 2.5] as const;
  const features = new Uint8Array(7 * 5 * 4);
  const at = [2, 4, 1] as const;
  features[(at[2] * 5 + at[1]) * 7 + at[0]] = 1;
  const d = distanceTransform(features, dims, spacing);
  for (let z = 0; z < 4; z++) {
    for (let y = 0; y < 5; y++) {
      for (let x = 0; x < 7; x++) {
        const expected = Math.hypot((x - at[0]) * 0.7, (y - at[1]) * 1.3, (z - at[2]) * 2.5);
        assert.ok(Math.abs(d[(z * 5 + y) * 7 + x]! - expected) < 1e-12, `at ${x},${y},${z}`);
      }
    }
  }
});

test('no feature voxel: every distance is Infinity', () => {
  const d = squaredDistanceTransform(new Uint8Array(3 * 4 * 5), [3, 4, 5], [1, 1, 1]);
  assert.ok(d.every((v) => v === Number.POSITIVE_INFINITY));
});

test('a grid of the wrong size is refused', () => {
  assert.throws(() => distanceTransform(new Uint8Array(10), [3, 3, 3], [1, 1, 1]), RangeError);
});

const cases = [
  { name: '3D sparse, anisotropic', dims: [23, 17, 11], spacing: [0.8, 1.7, 2.9], p: 0.01 },
  { name: '3D dense, anisotropic', dims: [19, 21, 13], spacing: [0.6, 0.6, 3.0], p: 0.3 },
  { name: '3D one percent, isotropic', dims: [16, 16, 16], spacing: [1, 1, 1], p: 0.01 },
  { name: '3D very sparse, odd spacing', dims: [31, 9, 27], spacing: [1.37, 0.41, 0.93], p: 0.002 },
  { name: '2D slab (nz = 1)', dims: [40, 33, 1], spacing: [0.9, 1.1, 5], p: 0.02 },
  { name: '1D line', dims: [50, 1, 1], spacing: [2.2, 1, 1], p: 0.05 },
] as const;

for (const c of cases) {
  test(`matches scipy distance_transform_edt to 1e-6: ${c.name}`, { skip }, () => {
    const random = seededRandom(c.dims[0] * 1000 + c.dims[1]);
    const size = c.dims[0] * c.dims[1] * c.dims[2];
    const features = randomMask(size, c.p, random);
    features[Math.floor(random() * size)] = 1;
    const ours = distanceTransform(features, c.dims, c.spacing);
    const theirs = referenceDistance(features, c.dims, c.spacing);
    const worst = maxAbsDifference(ours, theirs);
    assert.ok(worst <= 1e-6, `max |difference| ${worst}`);
  });
}
