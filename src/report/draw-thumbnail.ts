import { PNG } from 'pngjs';
import type { Affine } from '../volume/types.js';

// One axial slice to draw: CT values and the label map on the same grid (x fastest).
export interface ThumbnailSlice {
  nx: number;
  ny: number;
  ct: Float32Array;
  labels: ArrayLike<number>;
  // The ground truth on the same grid, where known: its outline of the organ is drawn too.
  truth?: ArrayLike<number>;
  // The organ's label value; its outline is drawn.
  value: number;
  spacing: [number, number, number];
  affine: Affine;
}

// The CT window (Hounsfield units) the thumbnails show: soft tissue, -200..200.
export const THUMBNAIL_WINDOW: [number, number] = [-200, 200];
// Every thumbnail is this many pixels a side, so the worklist's cards line up.
export const THUMBNAIL_SIZE = 200;
// The least field of view (mm a side): enough of the body around a small organ to place it.
const MIN_VIEW_MM = 160;
// The pseudo label's outline (amber) and the ground truth's (cyan).
export const OUTLINE_COLOURS = { label: [255, 196, 0], truth: [0, 200, 255] } as const;

// Draws a THUMBNAIL_SIZE-square PNG of the slice around the organ (in the pseudo label or the
// ground truth): a square view centred on it,
// twice its larger side plus 40 mm, at least MIN_VIEW_MM (and at most the slice's larger side),
// moved to stay on the slice;
// CT in the -200..200 window, smoothed (bilinear), black outside the slice; the organ's outline
// in the ground truth in cyan (where given), in the pseudo label in amber over it. Radiological view: the patient's right on the image's left and anterior up, as the
// affine says; square pixels in mm. The whole slice, centred, when the organ is not in it.
export function drawThumbnail(slice: ThumbnailSlice): Buffer {
  const view = viewBox(slice);
  const size = THUMBNAIL_SIZE;
  const [sx, sy] = slice.spacing;
  const flipX = dominantSign(slice.affine, 0) > 0;
  const flipY = dominantSign(slice.affine, 1) > 0;
  const png = new PNG({ width: size, height: size });
  const inside = new Uint8Array(size * size);
  const insideTruth = new Uint8Array(size * size);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      // The pixel's centre in mm from the view's centre, then in voxel coordinates.
      const dx = ((c + 0.5) / size - 0.5) * view.mm * (flipX ? -1 : 1);
      const dy = ((r + 0.5) / size - 0.5) * view.mm * (flipY ? -1 : 1);
      const u = view.ci + dx / sx - 0.5;
      const v = view.cj + dy / sy - 0.5;
      const p = 4 * (r * size + c);
      const gray = windowed(sampleCt(slice, u, v));
      png.data[p] = gray;
      png.data[p + 1] = gray;
      png.data[p + 2] = gray;
      png.data[p + 3] = 255;
      const i = Math.round(u);
      const j = Math.round(v);
      const onSlice = i >= 0 && j >= 0 && i < slice.nx && j < slice.ny;
      const voxel = onSlice ? j * slice.nx + i : -1;
      inside[r * size + c] = onSlice && slice.labels[voxel] === slice.value ? 1 : 0;
      insideTruth[r * size + c] = onSlice && slice.truth?.[voxel] === slice.value ? 1 : 0;
    }
  }
  if (slice.truth !== undefined) drawOutline(png, insideTruth, OUTLINE_COLOURS.truth);
  drawOutline(png, inside, OUTLINE_COLOURS.label);
  return PNG.sync.write(png);
}

// The CT value at voxel coordinates (u, v) (voxel centres at whole numbers), bilinear; NaN
// outside the slice.
function sampleCt(slice: ThumbnailSlice, u: number, v: number): number {
  if (u < -0.5 || v < -0.5 || u > slice.nx - 0.5 || v > slice.ny - 0.5) return Number.NaN;
  const clampI = (i: number) => Math.min(slice.nx - 1, Math.max(0, i));
  const clampJ = (j: number) => Math.min(slice.ny - 1, Math.max(0, j));
  const i0 = Math.floor(u);
  const j0 = Math.floor(v);
  const fu = u - i0;
  const fv = v - j0;
  const at = (i: number, j: number) => slice.ct[clampJ(j) * slice.nx + clampI(i)] ?? 0;
  const top = at(i0, j0) * (1 - fu) + at(i0 + 1, j0) * fu;
  const bottom = at(i0, j0 + 1) * (1 - fu) + at(i0 + 1, j0 + 1) * fu;
  return top * (1 - fv) + bottom * fv;
}

// A CT value in the window as a gray level; black outside the slice (NaN).
function windowed(hu: number): number {
  if (Number.isNaN(hu)) return 0;
  const [lo, hi] = THUMBNAIL_WINDOW;
  return Math.round(255 * clamp01((hu - lo) / (hi - lo)));
}

// Paints every pixel on either side of the mask's edge (a 2-pixel line).
function drawOutline(
  png: PNG,
  inside: Uint8Array,
  colour: readonly [number, number, number],
): void {
  const { width, height } = png;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const here = inside[r * width + c];
      const edge =
        (c > 0 && inside[r * width + c - 1] !== here) ||
        (c + 1 < width && inside[r * width + c + 1] !== here) ||
        (r > 0 && inside[(r - 1) * width + c] !== here) ||
        (r + 1 < height && inside[(r + 1) * width + c] !== here);
      if (!edge) continue;
      const p = 4 * (r * width + c);
      [png.data[p], png.data[p + 1], png.data[p + 2]] = colour;
    }
  }
}

// The view: its centre in voxel units (edges at whole numbers) and its side in mm.
function viewBox(slice: ThumbnailSlice): { ci: number; cj: number; mm: number } {
  const [sx, sy] = slice.spacing;
  const sliceMm = Math.max(slice.nx * sx, slice.ny * sy);
  let [i0, i1, j0, j1] = [slice.nx, -1, slice.ny, -1];
  for (let j = 0; j < slice.ny; j++) {
    for (let i = 0; i < slice.nx; i++) {
      const at = j * slice.nx + i;
      if (slice.labels[at] !== slice.value && slice.truth?.[at] !== slice.value) continue;
      i0 = Math.min(i0, i);
      i1 = Math.max(i1, i);
      j0 = Math.min(j0, j);
      j1 = Math.max(j1, j);
    }
  }
  if (i1 < 0) return { ci: slice.nx / 2, cj: slice.ny / 2, mm: sliceMm };
  const organMm = Math.max((i1 - i0 + 1) * sx, (j1 - j0 + 1) * sy);
  const mm = Math.min(sliceMm, Math.max(MIN_VIEW_MM, 2 * organMm + 40));
  return {
    ci: keepInside((i0 + i1 + 1) / 2, slice.nx, mm / sx),
    cj: keepInside((j0 + j1 + 1) / 2, slice.ny, mm / sy),
    mm,
  };
}

// Moves a view's centre along one axis so the view stays on the slice (centred when wider).
function keepInside(centre: number, voxels: number, viewVoxels: number): number {
  if (viewVoxels >= voxels) return voxels / 2;
  return Math.min(voxels - viewVoxels / 2, Math.max(viewVoxels / 2, centre));
}

// The sign of the world axis a voxel axis mostly points along (+1: towards R or A).
function dominantSign(affine: Affine, axis: 0 | 1): number {
  const column = [affine[0][axis], affine[1][axis], affine[2][axis]];
  let best = 0;
  for (let k = 1; k < 3; k++) if (Math.abs(column[k]!) > Math.abs(column[best]!)) best = k;
  return Math.sign(column[best]!);
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
