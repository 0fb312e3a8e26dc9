// Separable 3D box filtering (running sums), the cheap building block of the engine's
// multi-scale features. Edges are handled by averaging only the voxels inside the volume.

type Dims3 = readonly [number, number, number];

// Returns the mean of `data` over a (2rx+1) x (2ry+1) x (2rz+1) box around each voxel.
export function boxMean3d(data: Float32Array, dims: Dims3, radius: Dims3): Float32Array {
  const [nx, ny, nz] = dims;
  const a = Float32Array.from(data);
  const b = new Float32Array(a.length);
  // Along x: lines start at y*nx + z*nx*ny.
  boxAxis(a, b, { n: nx, step: 1, nu: ny, su: nx, nv: nz, sv: nx * ny }, radius[0]);
  // Along y: lines start at x + z*nx*ny.
  boxAxis(b, a, { n: ny, step: nx, nu: nx, su: 1, nv: nz, sv: nx * ny }, radius[1]);
  // Along z: lines start at x + y*nx.
  boxAxis(a, b, { n: nz, step: nx * ny, nu: nx, su: 1, nv: ny, sv: nx }, radius[2]);
  return b;
}

interface AxisLayout {
  n: number;
  step: number;
  nu: number;
  su: number;
  nv: number;
  sv: number;
}

function boxAxis(src: Float32Array, dst: Float32Array, axis: AxisLayout, r: number): void {
  const { n, step, nu, su, nv, sv } = axis;
  const sums = new Float64Array(n + 1);
  for (let v = 0; v < nv; v++) {
    for (let u = 0; u < nu; u++) {
      const start = u * su + v * sv;
      for (let i = 0; i < n; i++) sums[i + 1] = sums[i]! + src[start + i * step]!;
      for (let i = 0; i < n; i++) {
        const lo = i - r < 0 ? 0 : i - r;
        const hi = i + r + 1 > n ? n : i + r + 1;
        dst[start + i * step] = (sums[hi]! - sums[lo]!) / (hi - lo);
      }
    }
  }
}
