import type { FeatureColumns } from './features.js';

// Where organs can be: the box, in body-relative position (the last three features), that
// holds every labelled voxel seen in training. Prediction runs the network only inside it
// (plus a margin); voxels outside are background with probability 1. On the demo phantoms
// this skips about 70% of the voxels.

// Body-relative position bounds (R, A, S), each in 0..1 units of the body's bounding box.
export interface OrganRegion {
  lo: [number, number, number];
  hi: [number, number, number];
}

// Added on each side of the training box before it is used.
const MARGIN = 0.05;

// A region that holds nothing yet.
export function emptyRegion(): OrganRegion {
  return {
    lo: [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY],
    hi: [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY],
  };
}

// Grows `region` to hold every voxel of a case whose class is not background.
export function extendRegion(
  region: OrganRegion,
  features: FeatureColumns,
  classOf: Uint8Array,
): void {
  const positions = features.columns.slice(-3);
  for (let v = 0; v < classOf.length; v++) {
    if (classOf[v] === 0) continue;
    for (let axis = 0; axis < 3; axis++) {
      const p = positions[axis]![v]!;
      if (p < region.lo[axis]!) region.lo[axis] = p;
      if (p > region.hi[axis]!) region.hi[axis] = p;
    }
  }
}

// The union of two regions.
export function unionRegion(a: OrganRegion, b: OrganRegion): OrganRegion {
  return {
    lo: [0, 1, 2].map((axis) => Math.min(a.lo[axis]!, b.lo[axis]!)) as OrganRegion['lo'],
    hi: [0, 1, 2].map((axis) => Math.max(a.hi[axis]!, b.hi[axis]!)) as OrganRegion['hi'],
  };
}

// The indices of the voxels inside the region plus its margin, from the raw (not yet
// normalised) features. An empty region (no labels seen) selects every voxel.
export function voxelsInRegion(region: OrganRegion, features: FeatureColumns): Int32Array {
  const { voxels } = features;
  if (!(region.lo[0] <= region.hi[0])) return Int32Array.from({ length: voxels }, (_, v) => v);
  const positions = features.columns.slice(-3);
  const inside = new Int32Array(voxels);
  let n = 0;
  for (let v = 0; v < voxels; v++) {
    let ok = true;
    for (let axis = 0; axis < 3 && ok; axis++) {
      const p = positions[axis]![v]!;
      ok = p >= region.lo[axis]! - MARGIN && p <= region.hi[axis]! + MARGIN;
    }
    if (ok) inside[n++] = v;
  }
  return inside.slice(0, n);
}
