import { boxMean3d } from './box-filter.js';

// Per-voxel features of a CT image, computed the same way at training and prediction time:
// the clipped intensity, box-smoothed intensities at several scales, local standard deviations,
// the gradient magnitude, and the voxel's position in the body's bounding box (RAS order).

// The settings that fix the feature set; stored in the checkpoint so prediction matches.
export interface FeatureConfig {
  // Box radii in mm (converted to voxels per axis with the image's spacing, at least 1).
  scalesMm: number[];
  // Intensities are clipped to this window (HU) before anything else.
  clip: [number, number];
  // Voxels brighter than this (after light smoothing) count as body.
  bodyThreshold: number;
}

export interface ImageGeometry {
  dims: [number, number, number];
  spacing: [number, number, number];
  // 4x4 row-major voxel-to-world matrix.
  affine: number[][];
}

// A voxel-major feature matrix: feature f of voxel v is data[v * count + f].
export interface FeatureMatrix {
  count: number;
  voxels: number;
  data: Float32Array;
}

// How many features a config produces.
export function featureCount(config: FeatureConfig): number {
  return 1 + config.scalesMm.length * 2 + 1 + 3;
}

// Computes the feature matrix of one image.
export function computeFeatures(
  image: ArrayLike<number>,
  geometry: ImageGeometry,
  config: FeatureConfig,
): FeatureMatrix {
  const { dims, spacing } = geometry;
  const voxels = dims[0] * dims[1] * dims[2];
  const [lo, hi] = config.clip;
  const clipped = new Float32Array(voxels);
  const squared = new Float32Array(voxels);
  for (let v = 0; v < voxels; v++) {
    const value = image[v]!;
    const c = value < lo ? lo : value > hi ? hi : value;
    clipped[v] = c;
    squared[v] = c * c;
  }
  const count = featureCount(config);
  const data = new Float32Array(voxels * count);
  let f = 0;
  const put = (column: ArrayLike<number>): void => {
    for (let v = 0, o = f; v < voxels; v++, o += count) data[o] = column[v]!;
    f++;
  };
  put(clipped);
  for (const mm of config.scalesMm) {
    const radius = radiusInVoxels(mm, spacing);
    const mean = boxMean3d(clipped, dims, radius);
    const meanSq = boxMean3d(squared, dims, radius);
    put(mean);
    for (let v = 0; v < voxels; v++) {
      const variance = meanSq[v]! - mean[v]! * mean[v]!;
      meanSq[v] = variance > 0 ? Math.sqrt(variance) : 0;
    }
    put(meanSq);
  }
  const fine = boxMean3d(clipped, dims, radiusInVoxels(config.scalesMm[0] ?? 1, spacing));
  put(gradientMagnitude(fine, dims, spacing));
  for (const column of positionColumns(fine, geometry, config.bodyThreshold)) put(column);
  return { count, voxels, data };
}

function radiusInVoxels(mm: number, spacing: [number, number, number]): [number, number, number] {
  return [0, 1, 2].map((axis) => Math.max(1, Math.round(mm / spacing[axis]!))) as [
    number,
    number,
    number,
  ];
}

// Central-difference gradient magnitude in HU per mm (one-sided at the edges).
function gradientMagnitude(
  data: Float32Array,
  dims: [number, number, number],
  spacing: [number, number, number],
): Float32Array {
  const [nx, ny, nz] = dims;
  const squares = new Float32Array(data.length);
  const strides = [1, nx, nx * ny];
  for (let axis = 0; axis < 3; axis++) {
    const s = strides[axis]!;
    const n = dims[axis]!;
    const h = spacing[axis]!;
    for (let z = 0, v = 0; z < nz; z++) {
      for (let y = 0; y < ny; y++) {
        for (let x = 0; x < nx; x++, v++) {
          const c = axis === 0 ? x : axis === 1 ? y : z;
          const lo = c > 0 ? v - s : v;
          const hi = c < n - 1 ? v + s : v;
          const g = hi === lo ? 0 : (data[hi]! - data[lo]!) / (((hi - lo) / s) * h);
          squares[v]! += g * g;
        }
      }
    }
  }
  for (let v = 0; v < squares.length; v++) squares[v] = Math.sqrt(squares[v]!);
  return squares;
}

// Three columns: each voxel's position in the body bounding box, 0..1 along the world's
// R, A and S axes (voxel axes are matched to world axes by the affine, flips included).
function positionColumns(
  smoothed: Float32Array,
  geometry: ImageGeometry,
  threshold: number,
): Float32Array[] {
  const { dims, affine } = geometry;
  const box = bodyBoundingBox(smoothed, dims, threshold);
  const [nx, ny, nz] = dims;
  const columns = [0, 1, 2].map(() => new Float32Array(smoothed.length));
  for (let axis = 0; axis < 3; axis++) {
    let world = 0;
    for (let w = 1; w < 3; w++) {
      if (Math.abs(affine[w]![axis]!) > Math.abs(affine[world]![axis]!)) world = w;
    }
    const flip = affine[world]![axis]! < 0;
    const [lo, hi] = box[axis]!;
    const span = Math.max(1, hi - lo);
    const column = columns[world]!;
    for (let z = 0, v = 0; z < nz; z++) {
      for (let y = 0; y < ny; y++) {
        for (let x = 0; x < nx; x++, v++) {
          const c = axis === 0 ? x : axis === 1 ? y : z;
          const t = (c - lo) / span;
          column[v] = flip ? 1 - t : t;
        }
      }
    }
  }
  return columns;
}

// The body's extent per voxel axis: the first and last slice holding a meaningful share of
// above-threshold voxels (the whole axis when nothing is above it).
function bodyBoundingBox(
  data: Float32Array,
  dims: [number, number, number],
  threshold: number,
): [number, number][] {
  const [nx, ny, nz] = dims;
  const counts = dims.map((n) => new Float64Array(n));
  for (let z = 0, v = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++, v++) {
        if (data[v]! > threshold) {
          counts[0]![x]!++;
          counts[1]![y]!++;
          counts[2]![z]!++;
        }
      }
    }
  }
  return counts.map((profile) => {
    const peak = Math.max(...profile);
    const floor = peak * 0.02;
    let lo = profile.findIndex((c) => c > floor && c > 0);
    let hi = profile.length - 1;
    while (hi > 0 && !(profile[hi]! > floor && profile[hi]! > 0)) hi--;
    if (lo < 0 || peak === 0) {
      lo = 0;
      hi = profile.length - 1;
    }
    return [lo, hi] as [number, number];
  });
}
