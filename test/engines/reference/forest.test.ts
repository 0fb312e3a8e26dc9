import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeForest, encodeForest } from '../../../engines/reference/forest-codec.js';
import {
  type ForestRows,
  averageLeaves,
  forestLeaves,
  predictForest,
  trainForest,
} from '../../../engines/reference/forest.js';
import { createRng } from '../../../engines/reference/prng.js';

// Rows of three features whose class is known: 0 where x0 < 0.3, else 1 where x1 < 0.5, else 2;
// the third feature is noise.
function rows(n: number, seed: number): ForestRows {
  const rng = createRng(seed);
  const inputs = new Float32Array(n * 3);
  const targets = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const [a, b, c] = [rng.next(), rng.next(), rng.next()];
    inputs.set([a, b, c], r * 3);
    targets[r] = a < 0.3 ? 0 : b < 0.5 ? 1 : 2;
  }
  return { rows: n, features: 3, inputs, targets };
}

const params = { trees: 8, maxDepth: 8, minLeaf: 2, featuresPerSplit: 0, bins: 64 };

function argmaxAccuracy(probs: Float32Array, data: ForestRows): number {
  let right = 0;
  for (let r = 0; r < data.rows; r++) {
    const p = [0, 1, 2].map((c) => probs[r * 3 + c]!);
    if (p.indexOf(Math.max(...p)) === data.targets[r]) right++;
  }
  return right / data.rows;
}

test('a forest learns a known partition and predicts it on fresh rows', () => {
  const forest = trainForest(rows(3000, 1), 3, params, createRng(7));
  const fresh = rows(1000, 2);
  const probs = new Float32Array(fresh.rows * 3);
  predictForest(forest, fresh.inputs, 3, fresh.rows, probs);
  assert.ok(argmaxAccuracy(probs, fresh) > 0.97, `accuracy ${argmaxAccuracy(probs, fresh)}`);
  for (let r = 0; r < fresh.rows; r++) {
    const sum = probs[r * 3]! + probs[r * 3 + 1]! + probs[r * 3 + 2]!;
    assert.ok(Math.abs(sum - 1) < 1e-5);
  }
});

test('the same seed grows the same trees; another seed does not', () => {
  const data = rows(2000, 3);
  const a = trainForest(data, 3, params, createRng(5));
  const b = trainForest(data, 3, params, createRng(5));
  const c = trainForest(data, 3, params, createRng(6));
  assert.deepEqual(encodeForest(a), encodeForest(b));
  assert.notDeepEqual(encodeForest(a), encodeForest(c));
});

test('a forest survives its checkpoint encoding, and a damaged one is refused', () => {
  const forest = trainForest(rows(2000, 4), 3, params, createRng(9));
  const json = JSON.parse(JSON.stringify(encodeForest(forest)));
  const decoded = decodeForest(json, 3);
  assert.ok(typeof decoded !== 'string', String(decoded));
  const fresh = rows(500, 5);
  const before = new Float32Array(fresh.rows * 3);
  const after = new Float32Array(fresh.rows * 3);
  predictForest(forest, fresh.inputs, 3, fresh.rows, before);
  predictForest(decoded, fresh.inputs, 3, fresh.rows, after);
  let worst = 0;
  for (let i = 0; i < before.length; i++) worst = Math.max(worst, Math.abs(before[i]! - after[i]!));
  assert.ok(worst < 0.01, `largest change ${worst}`);
  assert.match(String(decodeForest(json, 2)), /bad split/);
  json.trees[0].probs = json.trees[0].probs.slice(0, 8);
  assert.match(String(decodeForest(json, 3)), /leaf bytes/);
});

test('a Monte-Carlo sample votes with a subset of the trees', () => {
  const forest = trainForest(rows(2000, 6), 3, params, createRng(1));
  const fresh = rows(200, 7);
  const all = new Float32Array(fresh.rows * 3);
  const half = new Float32Array(fresh.rows * 3);
  const firstTree = new Float32Array(fresh.rows * 3);
  predictForest(forest, fresh.inputs, 3, fresh.rows, all);
  predictForest(forest, fresh.inputs, 3, fresh.rows, half, [
    true,
    false,
    true,
    false,
    true,
    false,
    true,
    false,
  ]);
  predictForest({ ...forest, trees: [forest.trees[0]!] }, fresh.inputs, 3, fresh.rows, firstTree);
  assert.notDeepEqual(all, half);
  const onlyFirst = new Float32Array(fresh.rows * 3);
  predictForest(forest, fresh.inputs, 3, fresh.rows, onlyFirst, [
    true,
    false,
    false,
    false,
    false,
    false,
    false,
    false,
  ]);
  assert.deepEqual(onlyFirst, firstTree);
});

test('samples from the shared leaves equal a fresh traversal, bit for bit, with any tree subset', () => {
  const forest = trainForest(rows(2000, 3), 3, params, createRng(5));
  const fresh = rows(500, 4);
  const leaves = forestLeaves(forest, fresh.inputs, 3, fresh.rows);
  const rng = createRng(9);
  for (const use of [undefined, ...[0, 1, 2].map(() => forest.trees.map(() => rng.next() < 0.5))]) {
    const direct = new Float32Array(fresh.rows * 3);
    const shared = new Float32Array(fresh.rows * 3);
    predictForest(forest, fresh.inputs, 3, fresh.rows, direct, use);
    averageLeaves(forest, leaves, fresh.rows, shared, use);
    assert.deepEqual(shared, direct);
  }
});
