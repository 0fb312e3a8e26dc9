import assert from 'node:assert/strict';
import { test } from 'node:test';
import { metricsPerLabel } from '../../src/metrics/label-metrics.js';
import { paintEllipsoid, seededRandom, sprinkle } from './label-phantoms.js';
import { type ReferenceLabel, referenceLabelMetrics, scipySkipReason } from './scipy-reference.js';

const skip = scipySkipReason();
type Triple = readonly [number, number, number];

// Our per-label Dice/NSD against the scipy reference: same border counts, values to 1e-6.
function compareWithReference(
  pred: Uint8Array | Uint16Array,
  truth: Uint8Array | Uint16Array,
  dims: Triple,
  spacing: Triple,
  labels: number[],
  tolerance: number,
): void {
  const ours = metricsPerLabel(pred, truth, dims, spacing, labels, { tolerance });
  const theirs = referenceLabelMetrics(pred, truth, dims, spacing, labels, tolerance).labels;
  for (const label of labels) {
    const o = ours.get(label)!;
    const r = theirs[String(label)] as ReferenceLabel;
    const where = `label ${label}, tolerance ${tolerance}`;
    assert.equal(o.predVoxels, r.pred_voxels, where);
    assert.equal(o.truthVoxels, r.truth_voxels, where);
    assert.equal(o.surface.borderA, r.border_pred, where);
    assert.equal(o.surface.borderB, r.border_truth, where);
    assert.equal(o.surface.aWithinTolerance, r.pred_within, where);
    assert.equal(o.surface.bWithinTolerance, r.truth_within, where);
    for (const key of ['dsc', 'nsd'] as const) {
      const expected = r[key];
      if (expected === null) assert.ok(Number.isNaN(o[key]), `${where}: ${key} ${o[key]}`);
      else
        assert.ok(Math.abs(o[key] - expected) <= 1e-6, `${where}: ${key} ${o[key]} vs ${expected}`);
    }
  }
}

test('organs as ellipsoids, prediction shifted and resized, anisotropic spacing', { skip }, () => {
  const dims = [48, 40, 26] as const;
  const size = 48 * 40 * 26;
  const truth = new Uint8Array(size);
  const pred = new Uint8Array(size);
  paintEllipsoid(truth, dims, 1, [14, 14, 12], [10, 8, 7]);
  paintEllipsoid(pred, dims, 1, [15, 13, 12], [9, 9, 6]);
  paintEllipsoid(truth, dims, 2, [34, 25, 10], [6, 7, 5]);
  paintEllipsoid(pred, dims, 2, [33, 26, 11], [7, 6, 5]);
  paintEllipsoid(truth, dims, 5, [30, 10, 18], [4, 3, 4]);
  paintEllipsoid(pred, dims, 5, [36, 12, 20], [2, 2, 2]);
  const random = seededRandom(3);
  sprinkle(pred, 2, 0.01, random);
  for (const tolerance of [1, 1.5, 2.5, 4]) {
    compareWithReference(pred, truth, dims, [0.78, 0.78, 2.5], [1, 2, 5], tolerance);
  }
  compareWithReference(pred, truth, dims, [1, 1, 1], [1, 2, 5], 1);
  compareWithReference(pred, truth, dims, [1.3, 0.7, 1.9], [1, 2, 5], 2);
});

test('random noise labels (many small components)', { skip }, () => {
  const dims = [30, 25, 14] as const;
  const random = seededRandom(11);
  const size = 30 * 25 * 14;
  const pred = Uint8Array.from({ length: size }, () => Math.floor(random() * 4));
  const truth = Uint8Array.from({ length: size }, () => Math.floor(random() * 4));
  compareWithReference(pred, truth, dims, [0.9, 1.2, 3], [1, 2, 3], 1);
  compareWithReference(pred, truth, dims, [0.9, 1.2, 3], [1, 2, 3], 3.1);
});

test(
  'edge cases: empty in both or one, one-voxel organs, organs on the grid faces',
  { skip },
  () => {
    const dims = [20, 18, 12] as const;
    const size = 20 * 18 * 12;
    const at = (x: number, y: number, z: number) => (z * 18 + y) * 20 + x;
    const truth = new Uint16Array(size);
    const pred = new Uint16Array(size);
    // 300: one voxel in each map, 1 voxel apart in x. 301: one voxel in truth only.
    truth[at(5, 5, 5)] = 300;
    pred[at(6, 5, 5)] = 300;
    truth[at(10, 10, 6)] = 301;
    // 302: a slab filling the grid's x faces and corner, touching every face in pred.
    for (let z = 0; z < 12; z++)
      for (let y = 0; y < 18; y++) for (let x = 0; x < 3; x++) truth[at(x, y, z)] = 302;
    for (let z = 0; z < 12; z++)
      for (let y = 0; y < 18; y++) for (let x = 0; x < 2; x++) pred[at(x, y, z)] = 302;
    pred[at(19, 17, 11)] = 302;
    // 303: in pred only. 304: in neither.
    paintEllipsoid(pred, dims, 303, [14, 12, 8], [3, 3, 2]);
    const labels = [300, 301, 302, 303, 304];
    compareWithReference(pred, truth, dims, [1, 1, 1], labels, 1);
    compareWithReference(pred, truth, dims, [0.5, 0.8, 2], labels, 1);
    const ours = metricsPerLabel(pred, truth, dims, [1, 1, 1], labels);
    assert.equal(ours.get(300)!.nsd, 1);
    assert.equal(ours.get(300)!.dsc, 0);
    assert.equal(ours.get(301)!.nsd, 0);
    assert.equal(ours.get(303)!.dsc, 0);
    assert.ok(Number.isNaN(ours.get(304)!.dsc) && Number.isNaN(ours.get(304)!.nsd));
  },
);

test('the default tolerance is 1 mm', () => {
  const dims = [6, 6, 6] as const;
  const a = new Uint8Array(216);
  const b = new Uint8Array(216);
  a[(3 * 6 + 3) * 6 + 2] = 1;
  b[(3 * 6 + 3) * 6 + 3] = 1;
  assert.equal(metricsPerLabel(a, b, dims, [1, 1, 1], [1]).get(1)!.nsd, 1);
  assert.equal(metricsPerLabel(a, b, dims, [1.01, 1, 1], [1]).get(1)!.nsd, 0);
});

test('any voxel array type gives the same numbers (Int16, Float32 label maps)', () => {
  const dims = [16, 14, 9] as const;
  const size = 16 * 14 * 9;
  const truth = new Uint8Array(size);
  const pred = new Uint8Array(size);
  paintEllipsoid(truth, dims, 3, [7, 6, 4], [5, 4, 3]);
  paintEllipsoid(pred, dims, 3, [8, 6, 4], [4, 4, 3]);
  const expected = metricsPerLabel(pred, truth, dims, [0.7, 0.9, 2], [3]).get(3)!;
  assert.ok(expected.nsd > 0 && expected.nsd < 1);
  const asInt16 = metricsPerLabel(
    Int16Array.from(pred),
    Int16Array.from(truth),
    dims,
    [0.7, 0.9, 2],
    [3],
  );
  const asFloat = metricsPerLabel(
    Float32Array.from(pred),
    Float32Array.from(truth),
    dims,
    [0.7, 0.9, 2],
    [3],
  );
  assert.deepEqual(asInt16.get(3), expected);
  assert.deepEqual(asFloat.get(3), expected);
});
