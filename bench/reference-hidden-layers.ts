// bench:reference-hidden: the reference engine's prediction hot spot, the hidden layers of its
// per-voxel network (default 30 -> 64 -> 32, ReLU) on one demo case's region (~78k voxels),
// through the ONNX graph that predict uses (onnxruntime-node, one thread) next to the
// JavaScript kernel that training uses, on the same weights and rows in the same run. Prints
// milliseconds per case (best of rounds), the ratio and the largest difference.
//
//   npm run bench:reference-hidden -- [--rows 78000] [--rounds 10] [--threads 1]

import { parseArgs } from 'node:util';
import { applyDense } from '../engines/reference/dense-kernel.js';
import { openHiddenNetwork } from '../engines/reference/mlp-onnx.js';
import { createMlp } from '../engines/reference/mlp.js';
import { createRng } from '../engines/reference/prng.js';

const { values: opts } = parseArgs({
  options: {
    rows: { type: 'string', default: '78000' },
    rounds: { type: 'string', default: '10' },
    threads: { type: 'string', default: '1' },
  },
});
const n = Number(opts.rows);
const rounds = Number(opts.rounds);
const threads = Number(opts.threads);

const rng = createRng(0);
const mlp = createMlp([30, 64, 32, 10], 0.2, rng);
for (const layer of mlp.layers)
  for (let i = 0; i < layer.biases.length; i++) layer.biases[i] = rng.normal() * 0.1;
const rows = Float32Array.from({ length: n * 30 }, () => rng.normal());
const hidden = mlp.layers.slice(0, -1);

// The JavaScript path as the engine ran it before: chunks of 512 rows kept in cache.
function javascript(): Float32Array {
  const out = new Float32Array(n * 32);
  const chunk = 512;
  const a = new Float32Array(chunk * 64);
  for (let start = 0; start < n; start += chunk) {
    const count = Math.min(chunk, n - start);
    applyDense(hidden[0]!, rows, start, count, a, 0, true);
    applyDense(hidden[1]!, a, 0, count, out, start, true);
  }
  return out;
}

async function best<T>(run: () => T | Promise<T>): Promise<{ ms: number; value: T }> {
  let ms = Number.POSITIVE_INFINITY;
  let value = await run();
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    value = await run();
    ms = Math.min(ms, performance.now() - t);
  }
  return { ms, value };
}

const network = await openHiddenNetwork(mlp, threads);
const js = await best(javascript);
const onnx = await best(() => network(rows, n));
let worst = 0;
for (let i = 0; i < js.value.length; i++)
  worst = Math.max(worst, Math.abs(js.value[i]! - onnx.value[i]!));
const macs = n * (30 * 64 + 64 * 32);
console.log(`hidden layers 30-64-32 on ${n} rows (best of ${rounds}):`);
console.log(
  `  JavaScript kernel        ${js.ms.toFixed(1)} ms  (${(macs / js.ms / 1e6).toFixed(2)} GMAC/s)`,
);
console.log(
  `  ONNX Runtime, ${threads} thread(s) ${onnx.ms.toFixed(1)} ms  (${(macs / onnx.ms / 1e6).toFixed(2)} GMAC/s)`,
);
console.log(
  `  ratio ${(js.ms / onnx.ms).toFixed(1)}x; largest difference ${worst.toExponential(1)}`,
);
