import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forestWinners } from '../../../engines/reference/forest-winners.js';
import { type ForestRows, predictForest, trainForest } from '../../../engines/reference/forest.js';
import { createRng } from '../../../engines/reference/prng.js';

// Rows of two features with noisy classes: 0 below x0 = 0.4, 1 below x1 = 0.5, else 2, each
// label flipped with probability 0.25, so that many rows are close votes.
function rows(n: number, seed: number): ForestRows {
  const rng = createRng(seed);
  const inputs = new Float32Array(n * 2);
  const targets = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const [a, b] = [rng.next(), rng.next()];
    inputs.set([a, b], r * 2);
    const clean = a < 0.4 ? 0 : b < 0.5 ? 1 : 2;
    targets[r] = rng.next() < 0.25 ? rng.int(3) : clean;
  }
  return { rows: n, features: 2, inputs, targets };
}

test('forestWinners: early winners are the full vote argmax; open rows keep the full sums', () => {
  const params = { trees: 24, maxDepth: 10, minLeaf: 3, featuresPerSplit: 0, bins: 64 };
  const forest = trainForest(rows(3000, 1), 3, params, createRng(2));
  const fresh = rows(4000, 3);
  const factors = [1.3, 0.4, 0.8];
  const mean = new Float32Array(fresh.rows * 3);
  predictForest(forest, fresh.inputs, 2, fresh.rows, mean);
  const { winner, sums } = forestWinners(forest, fresh.inputs, 2, fresh.rows, factors);
  let early = 0;
  for (let r = 0; r < fresh.rows; r++) {
    const scaled = [0, 1, 2].map((c) => mean[r * 3 + c]! * factors[c]!);
    const argmax = scaled.indexOf(Math.max(...scaled));
    if (winner[r]! >= 0) {
      early++;
      assert.equal(winner[r], argmax, `row ${r}`);
    } else {
      for (let c = 0; c < 3; c++)
        assert.equal(Math.fround(sums[r * 3 + c]! / 24), mean[r * 3 + c], `row ${r}`);
    }
  }
  // Both paths are exercised: most rows end early, the close votes run to the end.
  assert.ok(early > fresh.rows / 2 && early < fresh.rows, `${early} of ${fresh.rows} early`);
});
