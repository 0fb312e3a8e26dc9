import { PNG } from 'pngjs';
import type { Affine } from '../volume/types.js';

// One axial slice to draw: CT values and the label map on the same grid (x fastest).
export interface ThumbnailSlice {
  nx: number;
  ny: number;
  ct: Float32Array;
  labels: ArrayLike<number>;
  // The organ's label value; its outline is drawn.
  value: number;
  spacing: [number, number, number];
  affine: Affine;
}

// The CT window (Hounsfield units) the thumbnails show: soft tissue, -200..200.
export const THUMBNAIL_WINDOW: [number, number] = [-200, 200];
const SIZE = 160;
const OUTLINE: [number, number, number] = [255, 196, 0];

// Draws a PNG of the slice cropped around the organ (the whole slice when the organ is absent
// from it), CT in the -200..200 window, the organ's outline in amber. Radiological view: the
// patient's right on the image's left and anterior up, as the affine says; square pixels in mm.
export function drawThumbnail(slice: ThumbnailSlice): Buffer {
  const box = cropBox(slice);
  const scale = SIZE / Math.max(box.widthMm, box.heightMm);
  const width = Math.max(1, Math.round(box.widthMm * scale));
  const height = Math.max(1, Math.round(box.heightMm * scale));
  const flipX = dominantSign(slice.affine, 0) > 0;
  const flipY = dominantSign(slice.affine, 1) > 0;
  const [lo, hi] = THUMBNAIL_WINDOW;
  const png = new PNG({ width, height });
  const inside = new Uint8Array(width * height);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const u = box.i0 + ((c + 0.5) / width) * (box.i1 - box.i0);
      const v = box.j0 + ((r + 0.5) / height) * (box.j1 - box.j0);
      const i = Math.min(slice.nx - 1, Math.floor(flipX ? box.i1 + box.i0 - u : u));
      const j = Math.min(slice.ny - 1, Math.floor(flipY ? box.j1 + box.j0 - v : v));
      const voxel = j * slice.nx + i;
      const gray = Math.round(255 * clamp01(((slice.ct[voxel] ?? lo) - lo) / (hi - lo)));
      const p = 4 * (r * width + c);
      png.data[p] = gray;
      png.data[p + 1] = gray;
      png.data[p + 2] = gray;
      png.data[p + 3] = 255;
      inside[r * width + c] = slice.labels[voxel] === slice.value ? 1 : 0;
    }
  }
  drawOutline(png, inside);
  return PNG.sync.write(png);
}

// Paints every pixel on either side of the mask's edge (a 2-pixel line).
function drawOutline(png: PNG, inside: Uint8Array): void {
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
      [png.data[p], png.data[p + 1], png.data[p + 2]] = OUTLINE;
    }
  }
}

// The voxel box shown (half-open, in voxel units) and its size in mm: a square centred on the
// organ's bounding box, twice its larger side plus 20 mm wide, clamped to the slice.
function cropBox(slice: ThumbnailSlice) {
  const [sx, sy] = slice.spacing;
  let [i0, i1, j0, j1] = [slice.nx, -1, slice.ny, -1];
  for (let j = 0; j < slice.ny; j++) {
    for (let i = 0; i < slice.nx; i++) {
      if (slice.labels[j * slice.nx + i] !== slice.value) continue;
      i0 = Math.min(i0, i);
      i1 = Math.max(i1, i);
      j0 = Math.min(j0, j);
      j1 = Math.max(j1, j);
    }
  }
  if (i1 < 0)
    return {
      i0: 0,
      i1: slice.nx,
      j0: 0,
      j1: slice.ny,
      widthMm: slice.nx * sx,
      heightMm: slice.ny * sy,
    };
  const half = Math.max((i1 - i0 + 1) * sx, (j1 - j0 + 1) * sy) + 10;
  const ci = (i0 + i1 + 1) / 2;
  const cj = (j0 + j1 + 1) / 2;
  const bi0 = Math.max(0, Math.floor(ci - half / sx));
  const bi1 = Math.min(slice.nx, Math.ceil(ci + half / sx));
  const bj0 = Math.max(0, Math.floor(cj - half / sy));
  const bj1 = Math.min(slice.ny, Math.ceil(cj + half / sy));
  return {
    i0: bi0,
    i1: bi1,
    j0: bj0,
    j1: bj1,
    widthMm: (bi1 - bi0) * sx,
    heightMm: (bj1 - bj0) * sy,
  };
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
