import type { VoxelArray } from '../volume/types.js';

// Slice geometry of the official QS preprocessing (QS-INFERENCE.md, steps 1-3). A "slice" is a
// fixed k; its pixel (r, c) is voxel (i = c, j = r, k), so a slice has H = ny rows, W = nx cols.

// The inclusive bounding box of an organ's mask on slice k.
export interface SliceBox {
  k: number;
  rmin: number;
  rmax: number;
  cmin: number;
  cmax: number;
}

// A crop of a slice: rows [r0, r1), columns [c0, c1).
export interface CropBounds {
  r0: number;
  r1: number;
  c0: number;
  c1: number;
}

function sliceShape(dims: readonly number[]): [number, number, number] {
  const [nx, ny, nz] = dims;
  if (nx === undefined || ny === undefined)
    throw new RangeError('slice boxes: a volume needs at least 2 dims');
  return [nx, ny, nz ?? 1];
}

// Bounding boxes, ascending k, of the slices where a voxel passes: value > 0 when `label` is
// undefined (a per-organ mask file), value === label otherwise (one label of a label map).
export function findSliceBoxes(
  data: VoxelArray,
  dims: readonly number[],
  label?: number,
): SliceBox[] {
  return findMaskSlices(data, dims, label).map((k) => sliceBox(data, dims, k, label) as SliceBox);
}

// The slices k, ascending, where a voxel passes (as findSliceBoxes): each slice is scanned only
// up to its first passing voxel, a zero slice of a uint8 mask compared natively, so that the
// boxes can be found for the picked slices only (sliceBox).
export function findMaskSlices(
  data: VoxelArray,
  dims: readonly number[],
  label?: number,
): number[] {
  const [nx, ny, nz] = sliceShape(dims);
  const plane = nx * ny;
  const slices: number[] = [];
  if (label === undefined && data instanceof Uint8Array) {
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.length);
    const zeros = Buffer.alloc(plane);
    for (let k = 0; k < nz; k++)
      if (bytes.compare(zeros, 0, plane, k * plane, (k + 1) * plane) !== 0) slices.push(k);
    return slices;
  }
  for (let k = 0; k < nz; k++) {
    const end = (k + 1) * plane;
    for (let i = k * plane; i < end; i++) {
      const v = data[i] as number;
      if (label === undefined ? v > 0 : v === label) {
        slices.push(k);
        break;
      }
    }
  }
  return slices;
}

// The bounding box of the voxels that pass on slice k (as findSliceBoxes), undefined if none.
export function sliceBox(
  data: VoxelArray,
  dims: readonly number[],
  k: number,
  label?: number,
): SliceBox | undefined {
  const [nx, ny] = sliceShape(dims);
  if (label === undefined && data instanceof Uint8Array) return byteMaskBox(data, nx, ny, k);
  const plane = nx * ny;
  let rmin = ny;
  let rmax = -1;
  let cmin = nx;
  let cmax = -1;
  for (let r = 0; r < ny; r++) {
    const row = k * plane + r * nx;
    let first = -1;
    let last = -1;
    for (let c = 0; c < nx; c++) {
      const v = data[row + c] as number;
      if (label === undefined ? v > 0 : v === label) {
        if (first < 0) first = c;
        last = c;
      }
    }
    if (first >= 0) {
      if (rmin > r) rmin = r;
      rmax = r;
      if (cmin > first) cmin = first;
      if (cmax < last) cmax = last;
    }
  }
  return rmax >= 0 ? { k, rmin, rmax, cmin, cmax } : undefined;
}

// sliceBox for a uint8 per-organ mask (voxel != 0). Masks are mostly zeros, so bytes are
// skipped a 32-bit word at a time where aligned; a voxel's row follows its offset, which grows.
function byteMaskBox(bytes: Uint8Array, nx: number, ny: number, k: number): SliceBox | undefined {
  const plane = nx * ny;
  // Word w of `words` holds bytes[4w - shift .. 4w - shift + 3].
  const shift = bytes.byteOffset & 3;
  const words = new Uint32Array(
    bytes.buffer,
    bytes.byteOffset - shift,
    Math.floor((bytes.length + shift) / 4),
  );
  const end = (k + 1) * plane;
  let rmin = ny;
  let rmax = -1;
  let cmin = nx;
  let cmax = -1;
  let row = 0;
  let rowStart = k * plane;
  let i = rowStart;
  while (i < end) {
    if (((i + shift) & 3) === 0 && i + 4 <= end && words[(i + shift) >> 2] === 0) {
      i += 4;
      continue;
    }
    if (bytes[i] !== 0) {
      while (i - rowStart >= nx) {
        row++;
        rowStart += nx;
      }
      const c = i - rowStart;
      if (rmax < 0) rmin = row;
      rmax = row;
      if (cmin > c) cmin = c;
      if (cmax < c) cmax = c;
    }
    i++;
  }
  return rmax >= 0 ? { k, rmin, rmax, cmin, cmax } : undefined;
}

// The bounding boxes of every non-zero label of a label map in one pass: label -> boxes
// ascending k. Non-integer or negative values are not labels and are skipped.
export function findLabelSliceBoxes(
  data: VoxelArray,
  dims: readonly number[],
): Map<number, SliceBox[]> {
  const [nx, ny, nz] = sliceShape(dims);
  const plane = nx * ny;
  const result = new Map<number, SliceBox[]>();
  const current = new Map<number, SliceBox>();
  for (let k = 0; k < nz; k++) {
    current.clear();
    for (let r = 0; r < ny; r++) {
      const row = k * plane + r * nx;
      let lastLabel = 0;
      let box: SliceBox | undefined;
      for (let c = 0; c < nx; c++) {
        const v = data[row + c] as number;
        if (!(v > 0) || !Number.isInteger(v)) continue;
        if (v !== lastLabel || box === undefined) {
          lastLabel = v;
          box = current.get(v);
          if (box === undefined) {
            box = { k, rmin: r, rmax: r, cmin: c, cmax: c };
            current.set(v, box);
          }
        }
        if (box.rmax < r) box.rmax = r;
        if (box.cmin > c) box.cmin = c;
        if (box.cmax < c) box.cmax = c;
      }
    }
    for (const [label, box] of current) {
      let list = result.get(label);
      if (list === undefined) {
        list = [];
        result.set(label, list);
      }
      list.push(box);
    }
  }
  return result;
}

// The official slice choice: all when there are at most `count`, otherwise
// valid[floor(len / count * i)] for i = 0..count-1 (floor of the double product).
export function selectSlices<T>(valid: readonly T[], count: number): T[] {
  if (valid.length <= count) return [...valid];
  const step = valid.length / count;
  const picked: T[] = [];
  for (let i = 0; i < count; i++) picked.push(valid[Math.floor(step * i)] as T);
  return picked;
}

// The official crop around one slice's box: `margin` before, margin - 1 after (exclusive end),
// clamped to the slice, then the shorter span widened by floor(diff / 2) on each side, clamped
// again, so the crop can stay off-square (kept as the public code has it).
export function cropBounds(
  box: SliceBox,
  height: number,
  width: number,
  margin: number,
): CropBounds {
  let r0 = Math.max(box.rmin - margin, 0);
  let r1 = Math.min(box.rmax + margin, height);
  let c0 = Math.max(box.cmin - margin, 0);
  let c1 = Math.min(box.cmax + margin, width);
  const rows = r1 - r0;
  const cols = c1 - c0;
  if (rows > cols) {
    const half = Math.floor((rows - cols) / 2);
    c0 = Math.max(c0 - half, 0);
    c1 = Math.min(c1 + half, width);
  } else if (cols > rows) {
    const half = Math.floor((cols - rows) / 2);
    r0 = Math.max(r0 - half, 0);
    r1 = Math.min(r1 + half, height);
  }
  return { r0, r1, c0, c1 };
}
