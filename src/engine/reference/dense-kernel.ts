import type { DenseLayer } from './mlp.js';

// The inner loop of the engine: y = W x + b (optionally through a ReLU) for many rows at once.
// Rows are processed four at a time so each weight is loaded once per four rows, which is
// about 2.5x faster in V8 than one row at a time.

// Applies `layer` to `rows` rows of `src` (row-major, layer.inSize each, starting at row
// `srcRow`) and writes rows x layer.outSize values into `dst` starting at row `dstRow`.
export function applyDense(
  layer: DenseLayer,
  src: Float32Array,
  srcRow: number,
  rows: number,
  dst: Float32Array,
  dstRow: number,
  relu: boolean,
): void {
  const { inSize: n, outSize: m, weights, biases } = layer;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const x0 = (srcRow + r) * n;
    const x1 = x0 + n;
    const x2 = x1 + n;
    const x3 = x2 + n;
    const y0 = (dstRow + r) * m;
    for (let o = 0, w = 0; o < m; o++) {
      const bias = biases[o]!;
      let s0 = bias;
      let s1 = bias;
      let s2 = bias;
      let s3 = bias;
      for (let i = 0; i < n; i++, w++) {
        const wi = weights[w]!;
        s0 += wi * src[x0 + i]!;
        s1 += wi * src[x1 + i]!;
        s2 += wi * src[x2 + i]!;
        s3 += wi * src[x3 + i]!;
      }
      if (relu) {
        s0 = s0 > 0 ? s0 : 0;
        s1 = s1 > 0 ? s1 : 0;
        s2 = s2 > 0 ? s2 : 0;
        s3 = s3 > 0 ? s3 : 0;
      }
      dst[y0 + o] = s0;
      dst[y0 + m + o] = s1;
      dst[y0 + 2 * m + o] = s2;
      dst[y0 + 3 * m + o] = s3;
    }
  }
  for (; r < rows; r++) {
    const x0 = (srcRow + r) * n;
    const y0 = (dstRow + r) * m;
    for (let o = 0, w = 0; o < m; o++) {
      let s = biases[o]!;
      for (let i = 0; i < n; i++, w++) s += weights[w]! * src[x0 + i]!;
      dst[y0 + o] = relu && s < 0 ? 0 : s;
    }
  }
}

// Adds the gradients of a layer's weights and biases for `rows` rows: gw += grad^T src and
// gb += column sums of grad (grad: rows x outSize, src: rows x inSize). Rows go four at a time.
export function accumulateDenseGradients(
  layer: DenseLayer,
  grad: Float32Array,
  src: Float32Array,
  rows: number,
  gw: Float32Array,
  gb: Float32Array,
): void {
  const { inSize: n, outSize: m } = layer;
  for (let o = 0; o < m; o++) {
    const w0 = o * n;
    let r = 0;
    for (; r + 4 <= rows; r += 4) {
      const g0 = grad[r * m + o]!;
      const g1 = grad[(r + 1) * m + o]!;
      const g2 = grad[(r + 2) * m + o]!;
      const g3 = grad[(r + 3) * m + o]!;
      gb[o]! += g0 + g1 + g2 + g3;
      if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0) continue;
      const x0 = r * n;
      for (let i = 0; i < n; i++) {
        gw[w0 + i]! +=
          g0 * src[x0 + i]! +
          g1 * src[x0 + n + i]! +
          g2 * src[x0 + 2 * n + i]! +
          g3 * src[x0 + 3 * n + i]!;
      }
    }
    for (; r < rows; r++) {
      const g = grad[r * m + o]!;
      gb[o]! += g;
      for (let i = 0; i < n; i++) gw[w0 + i]! += g * src[r * n + i]!;
    }
  }
}

// The layer seen backwards: weights transposed ([in][out]) and zero biases, so that
// applyDense(transposed, grad, ...) gives the gradient with respect to the layer's input.
export function transposedLayer(layer: DenseLayer): DenseLayer {
  const { inSize: n, outSize: m, weights } = layer;
  const transposed = new Float32Array(weights.length);
  for (let o = 0; o < m; o++)
    for (let i = 0; i < n; i++) transposed[i * m + o] = weights[o * n + i]!;
  return { inSize: m, outSize: n, weights: transposed, biases: new Float32Array(n) };
}
