import { type Canvas, indexRange } from './canvas.js';
import type { Shape } from './shapes.js';

// A set of region codes as a bit mask (bit r set = region r allowed).
export function regionMask(...regions: number[]): number {
  return regions.reduce((mask, r) => mask | (1 << r), 0);
}

// Calls `visit` for every voxel inside `shape` whose current region is in `allowed`, with the
// voxel's index and the shape's level there (below 1). Only the shape's bounding box is scanned.
export function paint(
  canvas: Canvas,
  shape: Shape,
  allowed: number,
  visit: (voxel: number, level: number) => void,
): void {
  const [nx, ny] = canvas.dims;
  const b = shape.bounds;
  const [i0, i1] = indexRange(canvas, 0, b[0], b[1]);
  const [j0, j1] = indexRange(canvas, 1, b[2], b[3]);
  const [k0, k1] = indexRange(canvas, 2, b[4], b[5]);
  const { x, y, z, region } = canvas;
  for (let k = k0; k <= k1; k++) {
    for (let j = j0; j <= j1; j++) {
      const row = (k * ny + j) * nx;
      for (let i = i0; i <= i1; i++) {
        const v = row + i;
        if (((allowed >> (region[v] as number)) & 1) === 0) continue;
        const px = x[v] as number;
        const py = y[v] as number;
        const pz = z[v] as number;
        if (px < b[0] || px > b[1] || py < b[2] || py > b[3] || pz < b[4] || pz > b[5]) continue;
        const level = shape.level(px, py, pz);
        if (level < 1) visit(v, level);
      }
    }
  }
}
