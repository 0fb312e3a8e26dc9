import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyDense } from '../../../engines/reference/dense-kernel.js';
import { openHiddenNetwork } from '../../../engines/reference/mlp-onnx.js';
import { createMlp } from '../../../engines/reference/mlp.js';
import { createRng } from '../../../engines/reference/prng.js';

// The hidden layers through the JavaScript kernel, one layer at a time.
function hiddenInJs(layers: ReturnType<typeof createMlp>['layers'], x: Float32Array, n: number) {
  let current = x;
  for (const layer of layers.slice(0, -1)) {
    const next = new Float32Array(n * layer.outSize);
    applyDense(layer, current, 0, n, next, 0, true);
    current = next;
  }
  return current;
}

test('the ONNX hidden layers give the JavaScript kernel values (1e-5), for any number of rows', async () => {
  const rng = createRng(3);
  for (const sizes of [
    [30, 64, 32, 10],
    [7, 5, 3],
    [12, 40, 20, 9, 4],
  ]) {
    const mlp = createMlp(sizes, 0.2, rng);
    for (const layer of mlp.layers)
      for (let i = 0; i < layer.biases.length; i++) layer.biases[i] = rng.normal() * 0.3;
    const network = await openHiddenNetwork(mlp, 1);
    for (const n of [0, 1, 5, 1027]) {
      const x = Float32Array.from({ length: n * sizes[0]! + 11 }, () => rng.normal());
      const onnx = await network(x, n);
      const js = hiddenInJs(mlp.layers, x, n);
      assert.equal(onnx.length, js.length, `${sizes.join('-')} with ${n} rows`);
      let worst = 0;
      for (let i = 0; i < js.length; i++) worst = Math.max(worst, Math.abs(onnx[i]! - js[i]!));
      assert.ok(worst < 1e-5, `${sizes.join('-')} with ${n} rows: max difference ${worst}`);
      if (n > 0) assert.ok(js.some((v) => v > 0) && js.some((v) => v === 0), 'ReLU active');
    }
  }
});
