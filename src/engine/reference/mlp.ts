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

// Runs every layer but the output one over `n` rows of `input` (row-major, inSize each) and
// writes the last hidden activations (n x lastHiddenSize) into `out`. Works in chunks of rows
// so the intermediate layers stay in cache.
export function forwardHidden(mlp: Mlp, input: Float32Array, n: number, out: Float32Array): void {
  const hidden = mlp.layers.slice(0, -1);
  const chunk = 512;
  const widest = Math.max(...hidden.map((layer) => layer.outSize));
  let current = new Float32Array(chunk * widest);
  let next = new Float32Array(chunk * widest);
  for (let start = 0; start < n; start += chunk) {
    const rows = Math.min(chunk, n - start);
    let src = input;
    let srcRow = start;
    for (let l = 0; l < hidden.length; l++) {
      const last = l === hidden.length - 1;
      const dst = last ? out : next;
      applyDense(hidden[l]!, src, srcRow, rows, dst, last ? start : 0, true);
      if (!last) {
        [current, next] = [next, current];
        src = current;
        srcRow = 0;
      }
    }
  }
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
  const { inSize, outSize, weights, biases } = outputLayer(mlp);
  const keep = 1 - mlp.dropout;
  const row = new Float32Array(inSize);
  const logits = new Float64Array(outSize);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < inSize; i++) {
      const h = hidden[r * inSize + i]!;
      row[i] = dropoutRng ? (dropoutRng.next() < keep ? h / keep : 0) : h;
    }
    let max = Number.NEGATIVE_INFINITY;
    for (let o = 0, w = 0; o < outSize; o++) {
      let s = biases[o]!;
      for (let i = 0; i < inSize; i++, w++) s += weights[w]! * row[i]!;
      logits[o] = s;
      if (s > max) max = s;
    }
    let sum = 0;
    for (let o = 0; o < outSize; o++) {
      const e = Math.exp(logits[o]! - max);
      logits[o] = e;
      sum += e;
    }
    for (let o = 0; o < outSize; o++) out[r * outSize + o] = logits[o]! / sum;
  }
}
