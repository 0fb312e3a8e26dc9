import { positionColumns } from './body-position.js';
import { boxMean3d } from './box-filter.js';

// Per-voxel features of a CT image, computed the same way at training and prediction time:
// the intensity in a wide and a soft-tissue window, soft-tissue box means and local standard
// deviations at several scales, wide-window context at the two largest scales, the gradient
// magnitude, and the voxel's position in the body's bounding box (RAS order).

// The settings that fix the feature set; stored in the checkpoint so prediction matches.
export interface FeatureConfig {
  // Box radii in mm (converted to voxels per axis with the image's spacing, at least 1).
  scalesMm: number[];
  // The wide window (air to bone) and the soft-tissue window (HU), applied by clipping.
  wideWindow: [number, number];
  softWindow: [number, number];
  // Voxels brighter than this (after light smoothing) count as body.
  bodyThreshold: number;
  // Scales (from scalesMm) whose soft-tissue box mean is also taken one box width away along
  // -x, +x, -y, +y, -z, +z: what surrounds the voxel, by direction.
  contextScalesMm: number[];
}

export interface ImageGeometry {
  dims: [number, number, number];
  spacing: [number, number, number];
  // 4x4 row-major voxel-to-world matrix.
  affine: number[][];
}

// The features of one image, one column (a value per voxel) per feature; the last three
// columns are the body-relative position.
export interface FeatureColumns {
  count: number;
  voxels: number;
  columns: Float32Array[];
}

// How many features a config produces.
export function featureCount(config: FeatureConfig): number {
  const context = config.scalesMm.filter((mm) => config.contextScalesMm.includes(mm)).length;
  return 2 + config.scalesMm.length * 2 + Math.min(2, config.scalesMm.length) + 1 + 6 * context + 3;
}

// Computes the feature columns of one image.
export function computeFeatures(
  image: ArrayLike<number>,
  geometry: ImageGeometry,
  config: FeatureConfig,
): FeatureColumns {
  const { dims, spacing } = geometry;
  const voxels = dims[0] * dims[1] * dims[2];
  const wide = clipTo(image, voxels, config.wideWindow);
  const soft = clipTo(image, voxels, config.softWindow);
  const softSquared = soft.map((c) => c * c);
  const columns: Float32Array[] = [wide, soft];
  const context: Float32Array[] = [];
  for (const mm of config.scalesMm) {
    const radius = radiusInVoxels(mm, spacing);
    const mean = boxMean3d(soft, dims, radius);
    if (config.contextScalesMm.includes(mm)) context.push(...shiftedColumns(mean, dims, radius));
    const std = boxMean3d(softSquared, dims, radius);
    for (let v = 0; v < voxels; v++) {
      const variance = std[v]! - mean[v]! * mean[v]!;
      std[v] = variance > 0 ? Math.sqrt(variance) : 0;
    }
    columns.push(mean, std);
  }
  for (const mm of config.scalesMm.slice(-2)) {
    columns.push(boxMean3d(wide, dims, radiusInVoxels(mm, spacing)));
  }
  const finest = radiusInVoxels(config.scalesMm[0] ?? 1, spacing);
  // The soft-tissue mean at the finest scale is the first scale's mean column.
  const finestMean = config.scalesMm.length > 0 ? columns[2]! : boxMean3d(soft, dims, finest);
  columns.push(gradientMagnitude(finestMean, dims, spacing));
  columns.push(...context);
  const body = boxMean3d(wide, dims, finest);
  columns.push(...positionColumns(body, geometry, config.bodyThreshold));
  return { count: columns.length, voxels, columns };
}

// Copies the feature rows of `indices` into `out` (row-major, count values per row), starting
// at row `outRow`.
export function gatherRows(
  features: FeatureColumns,
  indices: ArrayLike<number>,
  out: Float32Array,
  outRow = 0,
): void {
  const { count, columns } = features;
  for (let f = 0; f < count; f++) {
    const column = columns[f]!;
    for (let r = 0, o = outRow * count + f; r < indices.length; r++, o += count) {
      out[o] = column[indices[r]!]!;
    }
  }
}

// Six copies of a column, each read one box width (2r+1 voxels) away along -x, +x, -y, +y, -z,
// +z (clamped at the volume's edge).
function shiftedColumns(
  column: Float32Array,
  dims: [number, number, number],
  radius: [number, number, number],
): Float32Array[] {
  const [nx, ny, nz] = dims;
  const out: Float32Array[] = [];
  const strides = [1, nx, nx * ny];
  for (let axis = 0; axis < 3; axis++) {
    const width = 2 * radius[axis]! + 1;
    const n = dims[axis]!;
    const stride = strides[axis]!;
    for (const sign of [-1, 1]) {
      const shifted = new Float32Array(column.length);
      for (let z = 0, v = 0; z < nz; z++) {
        for (let y = 0; y < ny; y++) {
          for (let x = 0; x < nx; x++, v++) {
            const c = axis === 0 ? x : axis === 1 ? y : z;
            const moved = Math.min(n - 1, Math.max(0, c + sign * width));
            shifted[v] = column[v + (moved - c) * stride]!;
          }
        }
      }
      out.push(shifted);
    }
  }
  return out;
}

function clipTo(
  image: ArrayLike<number>,
  voxels: number,
  [lo, hi]: [number, number],
): Float32Array {
  const out = new Float32Array(voxels);
  for (let v = 0; v < voxels; v++) {
    const value = image[v]!;
    out[v] = value < lo ? lo : value > hi ? hi : value;
  }
  return out;
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
