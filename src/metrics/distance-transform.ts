// Exact Euclidean distance transform with anisotropic voxel spacing, in linear time.
//
// Felzenszwalb & Huttenlocher, "Distance Transforms of Sampled Functions" (2012): the squared
// distance is separable, so a 1D lower envelope of parabolas is applied along z, then y, then x.
// Each pass adds (delta * spacing)^2 to the previous pass's value, so the final value is
// ((dz*sz)^2 + (dy*sy)^2) + (dx*sx)^2 in Float64, summed in the same order as
// scipy.ndimage.distance_transform_edt on a (z, y, x) numpy array with sampling (sz, sy, sx).

export type Dims3 = readonly [number, number, number];
export type Spacing3 = readonly [number, number, number];

// Scratch buffers for the 1D transform, sized to the longest line.
interface LineScratch {
  f: Float64Array;
  d: Float64Array;
  v: Int32Array;
  z: Float64Array;
}

function makeScratch(n: number): LineScratch {
  return {
    f: new Float64Array(n),
    d: new Float64Array(n),
    v: new Int32Array(n),
    z: new Float64Array(n + 1),
  };
}

// d[q] = min_p ((q - p) * w)^2 + f[p] over the n samples of f (Infinity = no feature).
// Infinite samples never enter the envelope; a line without finite samples stays Infinity.
function lowerEnvelope1d(n: number, w: number, s: LineScratch): void {
  const { f, d, v, z } = s;
  const w2 = w * w;
  let k = -1;
  for (let q = 0; q < n; q++) {
    const fq = f[q]!;
    if (fq === Number.POSITIVE_INFINITY) continue;
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = Number.NEGATIVE_INFINITY;
      z[1] = Number.POSITIVE_INFINITY;
      continue;
    }
    // Intersection of the parabola at q with the rightmost one of the envelope, in index units.
    let p = v[k]!;
    let sx = (fq + w2 * q * q - (f[p]! + w2 * p * p)) / (2 * w2 * (q - p));
    while (sx <= z[k]!) {
      k--;
      if (k < 0) break;
      p = v[k]!;
      sx = (fq + w2 * q * q - (f[p]! + w2 * p * p)) / (2 * w2 * (q - p));
    }
    k++;
    v[k] = q;
    z[k] = k === 0 ? Number.NEGATIVE_INFINITY : sx;
    z[k + 1] = Number.POSITIVE_INFINITY;
  }
  if (k < 0) {
    d.fill(Number.POSITIVE_INFINITY, 0, n);
    return;
  }
  let j = 0;
  for (let q = 0; q < n; q++) {
    while (z[j + 1]! < q) j++;
    const p = v[j]!;
    const delta = (q - p) * w;
    d[q] = delta * delta + f[p]!;
  }
}

// Runs the 1D transform on every line of `values` along one axis (in place).
function transformAxis(
  values: Float64Array,
  dims: Dims3,
  axis: 0 | 1 | 2,
  w: number,
  s: LineScratch,
): void {
  const strides = [1, dims[0], dims[0] * dims[1]] as const;
  const n = dims[axis];
  const stride = strides[axis];
  // The two other axes span the line starts.
  const others = ([0, 1, 2] as const).filter((a) => a !== axis);
  const a0 = others[0]!;
  const a1 = others[1]!;
  const n0 = dims[a0];
  const n1 = dims[a1];
  const s0 = strides[a0];
  const s1 = strides[a1];
  for (let i1 = 0; i1 < n1; i1++) {
    for (let i0 = 0; i0 < n0; i0++) {
      const start = i0 * s0 + i1 * s1;
      let any = false;
      for (let q = 0, at = start; q < n; q++, at += stride) {
        const value = values[at]!;
        s.f[q] = value;
        if (value !== Number.POSITIVE_INFINITY) any = true;
      }
      if (!any) continue;
      lowerEnvelope1d(n, w, s);
      for (let q = 0, at = start; q < n; q++, at += stride) values[at] = s.d[q]!;
    }
  }
}

// The first pass, along z, on the 0/Infinity input: the squared distance to the nearest feature
// in the same (x, y) column, found by a forward and a backward sweep over whole slices so that
// memory is read in order. Gives the same values as lowerEnvelope1d on each column.
function nearestAlongZ(features: ArrayLike<number>, dims: Dims3, w: number): Float64Array {
  const [nx, ny, nz] = dims;
  const plane = nx * ny;
  const values = new Float64Array(plane * nz);
  const seen = new Int32Array(plane).fill(-1);
  for (let z = 0, i = 0; z < nz; z++) {
    for (let j = 0; j < plane; j++, i++) {
      if (features[i] !== 0) seen[j] = z;
      const last = seen[j]!;
      values[i] = last < 0 ? Number.POSITIVE_INFINITY : z - last;
    }
  }
  seen.fill(-1);
  for (let z = nz - 1; z >= 0; z--) {
    for (let j = 0, i = z * plane; j < plane; j++, i++) {
      if (features[i] !== 0) seen[j] = z;
      const next = seen[j]!;
      const gap = next < 0 ? values[i]! : Math.min(values[i]!, next - z);
      const d = gap * w;
      values[i] = d * d;
    }
  }
  return values;
}

// Squared Euclidean distance (mm^2) from every voxel to the nearest voxel where `features` is
// non-zero; Infinity everywhere when there is no feature. `dims` is [nx, ny, nz], x fastest.
export function squaredDistanceTransform(
  features: ArrayLike<number>,
  dims: Dims3,
  spacing: Spacing3,
): Float64Array {
  const [nx, ny, nz] = dims;
  if (features.length !== nx * ny * nz) {
    throw new RangeError(`features has ${features.length} voxels, dims ${dims.join('x')}`);
  }
  const values = nearestAlongZ(features, dims, spacing[2]);
  const scratch = makeScratch(Math.max(nx, ny));
  transformAxis(values, dims, 1, spacing[1], scratch);
  transformAxis(values, dims, 0, spacing[0], scratch);
  return values;
}

// Euclidean distance (mm) from every voxel to the nearest non-zero voxel of `features`.
export function distanceTransform(
  features: ArrayLike<number>,
  dims: Dims3,
  spacing: Spacing3,
): Float64Array {
  const values = squaredDistanceTransform(features, dims, spacing);
  for (let i = 0; i < values.length; i++) values[i] = Math.sqrt(values[i]!);
  return values;
}
