import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Batch, lossGradients } from '../../../engines/reference/mlp-train.js';
import { createMlp } from '../../../engines/reference/mlp.js';
import { createRng } from '../../../engines/reference/prng.js';

test('lossGradients matches finite differences (no dropout)', () => {
  const rng = createRng(5);
  const mlp = createMlp([4, 6, 5, 3], 0, rng);
  const batch: Batch = {
    inputs: Float32Array.from({ length: 7 * 4 }, () => rng.normal()),
    targets: Uint8Array.from({ length: 7 }, () => rng.int(3)),
    rows: 7,
  };
  const { grads } = lossGradients(mlp, batch, createRng(1));
  const arrays = mlp.layers.flatMap((layer) => [layer.weights, layer.biases]);
  let checked = 0;
  arrays.forEach((params, slot) => {
    for (let i = 0; i < params.length; i += 2) {
      const original = params[i]!;
      const h = 1e-3;
      params[i] = original + h;
      const up = lossGradients(mlp, batch, createRng(1)).loss;
      params[i] = original - h;
      const down = lossGradients(mlp, batch, createRng(1)).loss;
      params[i] = original;
      const numeric = (up - down) / (2 * h);
      const analytic = grads[slot]![i]!;
      assert.ok(
        Math.abs(numeric - analytic) < 1e-3,
        `param ${slot}/${i}: ${analytic} vs ${numeric}`,
      );
      checked++;
    }
  });
  assert.ok(checked > 20);
});
