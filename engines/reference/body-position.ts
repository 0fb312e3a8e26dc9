import type { ImageGeometry } from './features.js';

// The body-relative position features: where a voxel lies in the body's bounding box, so the
// network can learn where organs sit whatever the field of view.

// Three columns: each voxel's position in the body's bounding box (voxels of the lightly
// smoothed image above `threshold`), 0..1 along the world's R, A and S axes (voxel axes are
// matched to world axes by the affine, flips included).
export function positionColumns(
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
