// Separable 3D box filtering (running sums), the cheap building block of the engine's
// multi-scale features. Edges are handled by averaging only the voxels inside the volume.
// Each axis pass works on whole x-rows at a time, so memory is read in order along every
// axis; every line's sums are the same float64 prefix sums as a line-by-line pass.

type Dims3 = readonly [number, number, number];

// Returns the mean of `data` over a (2rx+1) x (2ry+1) x (2rz+1) box around each voxel.
export function boxMean3d(data: Float32Array, dims: Dims3, radius: Dims3): Float32Array {
  const [nx, ny, nz] = dims;
  const a = new Float32Array(data.length);
  const b = new Float32Array(data.length);
  boxAlongX(data, a, nx, ny * nz, radius[0]);
  // Along y: in each z-plane, rows of nx values are the lines' "voxels".
  for (let z = 0; z < nz; z++) boxAlongRows(a, b, z * nx * ny, nx, ny, radius[1]);
  // Along z: the whole volume, planes of nx*ny values.
  boxAlongRows(b, a, 0, nx * ny, nz, radius[2]);
  return a;
}

// Box means along x for `lines` contiguous lines of n values.
function boxAlongX(src: Float32Array, dst: Float32Array, n: number, lines: number, r: number) {
  const sums = new Float64Array(n + 1);
  for (let start = 0; start < lines * n; start += n) {
    for (let i = 0; i < n; i++) sums[i + 1] = sums[i]! + src[start + i]!;
    for (let i = 0; i < n; i++) {
      const lo = i - r < 0 ? 0 : i - r;
      const hi = i + r + 1 > n ? n : i + r + 1;
      dst[start + i] = (sums[hi]! - sums[lo]!) / (hi - lo);
    }
  }
}

// Box means along an axis whose steps are `width` values apart (`n` steps from `offset`): the
// `width` lines are filtered side by side, row by row.
function boxAlongRows(
  src: Float32Array,
  dst: Float32Array,
  offset: number,
  width: number,
  n: number,
  r: number,
) {
  const sums = new Float64Array((n + 1) * width);
  for (let i = 0; i < n; i++) {
    const from = i * width;
    const to = from + width;
    const at = offset + from;
    for (let x = 0; x < width; x++) sums[to + x] = sums[from + x]! + src[at + x]!;
  }
  for (let i = 0; i < n; i++) {
    const lo = i - r < 0 ? 0 : i - r;
    const hi = i + r + 1 > n ? n : i + r + 1;
    const count = hi - lo;
    const top = hi * width;
    const bottom = lo * width;
    const at = offset + i * width;
    for (let x = 0; x < width; x++) dst[at + x] = (sums[top + x]! - sums[bottom + x]!) / count;
  }
}
