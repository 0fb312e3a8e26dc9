import type { Mlp } from './mlp.js';
import type { Rng } from './prng.js';

// Training of the engine's network: one mini-batch of softmax cross-entropy with dropout on the
// last hidden layer, back-propagation, and an Adam update. Plain Float32Array math.

// Adam's moment estimates, one pair of arrays per layer parameter array.
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

// One training step on a batch; returns the batch's mean cross-entropy (before the update).
export function trainStep(
  mlp: Mlp,
  adam: AdamState,
  batch: Batch,
  learningRate: number,
  rng: Rng,
): number {
  const { layers, dropout } = mlp;
  const { rows, inputs, targets } = batch;
  const count = layers.length;
  // acts[l] is the input of layer l (acts[0] = features); dropout is applied to acts[count-1].
  const acts: Float32Array[] = [inputs];
  let masks = new Float32Array(0);
  for (let l = 0; l < count; l++) {
    const { inSize, outSize, weights, biases } = layers[l]!;
    const src = acts[l]!;
    const dst = new Float32Array(rows * outSize);
    const hidden = l < count - 1;
    for (let r = 0; r < rows; r++) {
      for (let o = 0, w = 0; o < outSize; o++) {
        let s = biases[o]!;
        for (let i = 0; i < inSize; i++, w++) s += weights[w]! * src[r * inSize + i]!;
        dst[r * outSize + o] = hidden && s < 0 ? 0 : s;
      }
    }
    if (l === count - 2 && dropout > 0) {
      masks = new Float32Array(dst.length);
      const keep = 1 - dropout;
      for (let i = 0; i < dst.length; i++) {
        masks[i] = rng.next() < keep ? 1 / keep : 0;
        dst[i]! *= masks[i]!;
      }
    }
    acts.push(dst);
  }
  // Softmax and the gradient of the mean cross-entropy with respect to the logits.
  const classes = layers[count - 1]!.outSize;
  const grad = acts[count]!;
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, grad[o + c]!);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(grad[o + c]! - max);
    const target = targets[r]!;
    loss += -(grad[o + target]! - max - Math.log(sum));
    for (let c = 0; c < classes; c++) {
      const p = Math.exp(grad[o + c]! - max) / sum;
      grad[o + c] = (p - (c === target ? 1 : 0)) / rows;
    }
  }
  backward(mlp, adam, acts, masks, grad, rows, learningRate);
  return loss / rows;
}

function backward(
  mlp: Mlp,
  adam: AdamState,
  acts: Float32Array[],
  masks: Float32Array,
  outputGrad: Float32Array,
  rows: number,
  learningRate: number,
): void {
  const { layers } = mlp;
  const count = layers.length;
  let grad = outputGrad;
  const updates: { layer: number; gw: Float32Array; gb: Float32Array }[] = [];
  for (let l = count - 1; l >= 0; l--) {
    const { inSize, outSize, weights } = layers[l]!;
    const src = acts[l]!;
    const gw = new Float32Array(weights.length);
    const gb = new Float32Array(outSize);
    const gin = l > 0 ? new Float32Array(rows * inSize) : undefined;
    for (let r = 0; r < rows; r++) {
      for (let o = 0, w = 0; o < outSize; o++) {
        const g = grad[r * outSize + o]!;
        gb[o]! += g;
        if (g === 0) {
          w += inSize;
          continue;
        }
        for (let i = 0; i < inSize; i++, w++) {
          gw[w]! += g * src[r * inSize + i]!;
          if (gin) gin[r * inSize + i]! += g * weights[w]!;
        }
      }
    }
    if (gin) {
      // Through the dropout mask (last hidden layer) and the ReLU of the layer below.
      const dropped = l === count - 1 && masks.length > 0;
      for (let i = 0; i < gin.length; i++) {
        if (src[i]! <= 0) gin[i] = 0;
        else if (dropped) gin[i]! *= masks[i]!;
      }
      grad = gin;
    }
    updates.push({ layer: l, gw, gb });
  }
  adam.step++;
  for (const { layer, gw, gb } of updates) {
    adamUpdate(adam, layer * 2, layers[layer]!.weights, gw, learningRate);
    adamUpdate(adam, layer * 2 + 1, layers[layer]!.biases, gb, learningRate);
  }
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
