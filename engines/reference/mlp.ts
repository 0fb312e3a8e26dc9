import { applyDense } from './dense-kernel.js';
import type { Rng } from './prng.js';

// The engine's network: a small multilayer perceptron applied to each voxel's feature vector.
// Hidden layers use ReLU; dropout acts on the last hidden layer (so Monte-Carlo dropout at
// prediction time only re-runs the output layer); the output is a softmax over the classes.

// One fully connected layer: weights row-major [out][in], then biases.
export interface DenseLayer {
  inSize: number;
  outSize: number;
  weights: Float32Array;
  biases: Float32Array;
}

export interface Mlp {
  layers: DenseLayer[];
  // Probability of zeroing a unit of the last hidden layer during training and MC sampling.
  dropout: number;
}

// A freshly initialised network (He-normal weights, zero biases).
export function createMlp(sizes: number[], dropout: number, rng: Rng): Mlp {
  const layers: DenseLayer[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const inSize = sizes[l]!;
    const outSize = sizes[l + 1]!;
    const weights = new Float32Array(inSize * outSize);
    const scale = Math.sqrt(2 / inSize);
    for (let i = 0; i < weights.length; i++) weights[i] = rng.normal() * scale;
    layers.push({ inSize, outSize, weights, biases: new Float32Array(outSize) });
  }
  return { layers, dropout };
}

// The width of the last hidden layer (the input of the output layer).
export function lastHiddenSize(mlp: Mlp): number {
  return outputLayer(mlp).inSize;
}

// The output layer.
export function outputLayer(mlp: Mlp): DenseLayer {
  return mlp.layers[mlp.layers.length - 1]!;
}

// Applies the output layer and a softmax to `n` rows of last hidden activations, writing
// class probabilities (n x classes) into `out`. With `dropoutRng`, each hidden unit of each row
// is dropped with the network's dropout rate (inverted scaling): one Monte-Carlo sample.
export function forwardOutput(
  mlp: Mlp,
  hidden: Float32Array,
  n: number,
  out: Float32Array,
  dropoutRng?: Rng,
): void {
  const layer = outputLayer(mlp);
  let input = hidden.subarray(0, n * layer.inSize);
  if (dropoutRng) {
    const keep = 1 - mlp.dropout;
    input = new Float32Array(input.length);
    const draws = new Float64Array(Math.min(input.length, 1 << 16));
    for (let start = 0; start < input.length; start += draws.length) {
      const count = Math.min(draws.length, input.length - start);
      const u = count === draws.length ? draws : draws.subarray(0, count);
      dropoutRng.fill(u);
      for (let j = 0; j < count; j++)
        input[start + j] = u[j]! < keep ? hidden[start + j]! / keep : 0;
    }
  }
  applyDense(layer, input, 0, n, out, 0, false);
  const classes = layer.outSize;
  for (let o = 0; o < n * classes; o += classes) {
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < classes; c++) if (out[o + c]! > max) max = out[o + c]!;
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const e = Math.exp(out[o + c]! - max);
      out[o + c] = e;
      sum += e;
    }
    for (let c = 0; c < classes; c++) out[o + c] = out[o + c]! / sum;
  }
}
