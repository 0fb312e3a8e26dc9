import { accumulateDenseGradients, applyDense, transposedLayer } from './dense-kernel.js';
import type { Mlp } from './mlp.js';
import type { Rng } from './prng.js';

// Training of the engine's network: softmax cross-entropy on a mini-batch with dropout on the
// last hidden layer, back-propagation, and an Adam update. Plain Float32Array math.

// Adam's moment estimates, one pair of arrays per parameter array (weights, biases, per layer).
export interface AdamState {
  step: number;
  m: Float32Array[];
  v: Float32Array[];
}

// A zeroed Adam state for a network.
export function createAdam(mlp: Mlp): AdamState {
  const shapes = mlp.layers.flatMap((layer) => [layer.weights.length, layer.biases.length]);
  return {
    step: 0,
    m: shapes.map((n) => new Float32Array(n)),
    v: shapes.map((n) => new Float32Array(n)),
  };
}

export interface Batch {
  // Row-major features, rows x inSize.
  inputs: Float32Array;
  // Class index (0 = background) per row.
  targets: Uint8Array;
  rows: number;
}

// The mean cross-entropy of a batch and its gradients, in the order of the network's parameter
// arrays (layer 0 weights, layer 0 biases, layer 1 weights, ...). Dropout masks come from `rng`.
export function lossGradients(
  mlp: Mlp,
  batch: Batch,
  rng: Rng,
): { loss: number; grads: Float32Array[] } {
  const { layers, dropout } = mlp;
  const { rows, inputs, targets } = batch;
  const count = layers.length;
  // acts[l] is the input of layer l (acts[0] = features); dropout is applied to acts[count-1].
  const acts: Float32Array[] = [inputs];
  let masks = new Float32Array(0);
  for (let l = 0; l < count; l++) {
    const dst = new Float32Array(rows * layers[l]!.outSize);
    applyDense(layers[l]!, acts[l]!, 0, rows, dst, 0, l < count - 1);
    if (l === count - 2 && dropout > 0) {
      masks = new Float32Array(dst.length);
      const keep = 1 - dropout;
      for (let i = 0; i < dst.length; i++) {
        masks[i] = rng.next() < keep ? 1 / keep : 0;
        dst[i] = dst[i]! * masks[i]!;
      }
    }
    acts.push(dst);
  }
  const { loss, grad } = softmaxCrossEntropy(acts[count]!, targets, rows);
  const grads: Float32Array[] = new Array(count * 2);
  let upstream = grad;
  for (let l = count - 1; l >= 0; l--) {
    const layer = layers[l]!;
    const src = acts[l]!;
    const gw = new Float32Array(layer.weights.length);
    const gb = new Float32Array(layer.outSize);
    accumulateDenseGradients(layer, upstream, src, rows, gw, gb);
    grads[l * 2] = gw;
    grads[l * 2 + 1] = gb;
    if (l === 0) break;
    const gin = new Float32Array(rows * layer.inSize);
    applyDense(transposedLayer(layer), upstream, 0, rows, gin, 0, false);
    // Through the dropout mask (input of the output layer) and the ReLU that made `src`.
    const dropped = l === count - 1 && masks.length > 0;
    for (let i = 0; i < gin.length; i++) {
      if (src[i]! <= 0) gin[i] = 0;
      else if (dropped) gin[i] = gin[i]! * masks[i]!;
    }
    upstream = gin;
  }
  return { loss, grads };
}

// One training step on a batch; returns the batch's mean cross-entropy (before the update).
export function trainStep(
  mlp: Mlp,
  adam: AdamState,
  batch: Batch,
  learningRate: number,
  rng: Rng,
): number {
  const { loss, grads } = lossGradients(mlp, batch, rng);
  adam.step++;
  mlp.layers.forEach((layer, l) => {
    adamUpdate(adam, l * 2, layer.weights, grads[l * 2]!, learningRate);
    adamUpdate(adam, l * 2 + 1, layer.biases, grads[l * 2 + 1]!, learningRate);
  });
  return loss;
}

// Mean cross-entropy of logits (rows x classes) against targets; the gradient with respect to
// the logits is written over a copy.
function softmaxCrossEntropy(
  logits: Float32Array,
  targets: Uint8Array,
  rows: number,
): { loss: number; grad: Float32Array } {
  const classes = logits.length / rows;
  const grad = new Float32Array(logits.length);
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * classes;
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[o + c]!);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(logits[o + c]! - max);
    const target = targets[r]!;
    loss += -(logits[o + target]! - max - Math.log(sum));
    for (let c = 0; c < classes; c++) {
      const p = Math.exp(logits[o + c]! - max) / sum;
      grad[o + c] = (p - (c === target ? 1 : 0)) / rows;
    }
  }
  return { loss: loss / rows, grad };
}

function adamUpdate(
  adam: AdamState,
  slot: number,
  params: Float32Array,
  grads: Float32Array,
  learningRate: number,
): void {
  const beta1 = 0.9;
  const beta2 = 0.999;
  const m = adam.m[slot]!;
  const v = adam.v[slot]!;
  const c1 = 1 - beta1 ** adam.step;
  const c2 = 1 - beta2 ** adam.step;
  for (let i = 0; i < params.length; i++) {
    const g = grads[i]!;
    m[i] = beta1 * m[i]! + (1 - beta1) * g;
    v[i] = beta2 * v[i]! + (1 - beta2) * g * g;
    params[i]! -= (learningRate * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + 1e-8);
  }
}
