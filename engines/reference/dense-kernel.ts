import type { DenseLayer } from './mlp.js';

// The inner loop of the engine: y = W x + b (optionally through a ReLU) for many rows at once.
// Four rows and two outputs at a time, so each weight and each input value loaded is used
// several times: about 3x faster in V8 than one row and one output at a time. Every output
// is still summed in input order, so results do not depend on the blocking.

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
  const { inSize: n, outSize: m, weights: w, biases } = layer;
  const floor = relu ? 0 : Number.NEGATIVE_INFINITY;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const x0 = (srcRow + r) * n;
    const x1 = x0 + n;
    const x2 = x1 + n;
    const x3 = x2 + n;
    const y = (dstRow + r) * m;
    let o = 0;
    for (; o + 2 <= m; o += 2) {
      const u0 = o * n;
      const v0 = u0 + n;
      let a0 = biases[o]!;
      let a1 = a0;
      let a2 = a0;
      let a3 = a0;
      let b0 = biases[o + 1]!;
      let b1 = b0;
      let b2 = b0;
      let b3 = b0;
      for (let i = 0; i < n; i++) {
        const u = w[u0 + i]!;
        const v = w[v0 + i]!;
        const p0 = src[x0 + i]!;
        const p1 = src[x1 + i]!;
        const p2 = src[x2 + i]!;
        const p3 = src[x3 + i]!;
        a0 += u * p0;
        a1 += u * p1;
        a2 += u * p2;
        a3 += u * p3;
        b0 += v * p0;
        b1 += v * p1;
        b2 += v * p2;
        b3 += v * p3;
      }
      dst[y + o] = a0 > floor ? a0 : floor;
      dst[y + m + o] = a1 > floor ? a1 : floor;
      dst[y + 2 * m + o] = a2 > floor ? a2 : floor;
      dst[y + 3 * m + o] = a3 > floor ? a3 : floor;
      dst[y + o + 1] = b0 > floor ? b0 : floor;
      dst[y + m + o + 1] = b1 > floor ? b1 : floor;
      dst[y + 2 * m + o + 1] = b2 > floor ? b2 : floor;
      dst[y + 3 * m + o + 1] = b3 > floor ? b3 : floor;
    }
    for (; o < m; o++) {
      for (let k = 0; k < 4; k++)
        dst[y + k * m + o] = dot(w, o * n, biases[o]!, src, x0 + k * n, n, floor);
    }
  }
  for (; r < rows; r++) {
    const x0 = (srcRow + r) * n;
    const y = (dstRow + r) * m;
    for (let o = 0; o < m; o++) dst[y + o] = dot(w, o * n, biases[o]!, src, x0, n, floor);
  }
}

// bias + the dot product of n weights and n inputs, floored (ReLU) when floor is 0.
function dot(
  w: Float32Array,
  wAt: number,
  bias: number,
  src: Float32Array,
  xAt: number,
  n: number,
  floor: number,
): number {
  let s = bias;
  for (let i = 0; i < n; i++) s += w[wAt + i]! * src[xAt + i]!;
  return s > floor ? s : floor;
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
