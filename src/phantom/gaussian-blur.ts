// Blurs a 3D float volume (x fastest) in place with a separable Gaussian, sigma per axis in
// voxels (an axis with sigma below 0.05 is left alone); edges are clamped.
export function gaussianBlur(
  data: Float32Array,
  dims: [number, number, number],
  sigma: [number, number, number],
): void {
  const [nx, ny, nz] = dims;
  const source = new Float32Array(data.length);
  const strides = [1, nx, nx * ny];
  for (const axis of [0, 1, 2] as const) {
    const s = sigma[axis];
    if (s < 0.05) continue;
    source.set(data);
    const kernel = gaussianKernel(s);
    const radius = (kernel.length - 1) / 2;
    const n = dims[axis];
    const stride = strides[axis] as number;
    let v = 0;
    for (let k = 0; k < nz; k++) {
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++, v++) {
          // Position along the blurred axis, and whether the whole kernel fits inside.
          const p = axis === 0 ? i : axis === 1 ? j : k;
          let sum = 0;
          if (p >= radius && p < n - radius) {
            for (let t = -radius, at = v - radius * stride; t <= radius; t++, at += stride) {
              sum += (kernel[t + radius] as number) * (source[at] as number);
            }
          } else {
            for (let t = -radius; t <= radius; t++) {
              const q = p + t < 0 ? 0 : p + t >= n ? n - 1 : p + t;
              sum += (kernel[t + radius] as number) * (source[v + (q - p) * stride] as number);
            }
          }
          data[v] = sum;
        }
      }
    }
  }
}

function gaussianKernel(sigma: number): Float64Array {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const kernel = new Float64Array(2 * radius + 1);
  let total = 0;
  for (let t = -radius; t <= radius; t++) {
    const w = Math.exp((-t * t) / (2 * sigma * sigma));
    kernel[t + radius] = w;
    total += w;
  }
  for (let i = 0; i < kernel.length; i++) kernel[i] = (kernel[i] as number) / total;
  return kernel;
}

// How much a blur with these sigmas shrinks the standard deviation of white noise (the square
// root of the sum of the squared kernel weights, over the three axes).
export function blurNoiseGain(sigma: [number, number, number]): number {
  let variance = 1;
  for (const s of sigma) {
    if (s < 0.05) continue;
    variance *= gaussianKernel(s).reduce((sum, w) => sum + w * w, 0);
  }
  return Math.sqrt(variance);
}
