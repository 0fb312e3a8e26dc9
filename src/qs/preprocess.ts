import type { VoxelArray } from '../volume/types.js';
import { type ResizePlan, planResize, resizeBilinearF } from './pillow-resize.js';
import { type CropBounds, type SliceBox, cropBounds } from './slice-boxes.js';

// The official QS network input of one slice (QS-INFERENCE.md, steps 3-5): crop, HU window,
// Pillow BILINEAR resize to S x S, normalisation. Parameters come from the bundle manifest.

// The preprocessing parameters a bundle manifest carries.
export interface PreprocessParams {
  inputSize: number;
  huWindow: readonly [number, number];
  ctMean: number;
  ctStd: number;
  maskMean: number;
  maskStd: number;
  cropMargin: number;
  slicesPerOrgan: number;
}

// The parameters of the authors' released network.
export const OFFICIAL_PARAMS: PreprocessParams = {
  inputSize: 256,
  huWindow: [-200, 200],
  ctMean: 0.5,
  ctStd: 0.25,
  maskMean: 0.5,
  maskStd: 0.5,
  cropMargin: 20,
  slicesPerOrgan: 10,
};

// The voxels of one organ: value > 0 (per-organ mask) or value === label (label map).
export interface OrganMask {
  data: VoxelArray;
  label?: number;
}

// Reusable buffers and resize plans, one per preprocessing loop (not shared across threads).
export class SliceWorkspace {
  private readonly plans = new Map<number, ResizePlan>();
  private crop = new Float32Array(0);
  private resized = new Float32Array(0);
  private window: { lo: number; hi: number; table: Float32Array } | undefined;
  readonly scratch = { buffer: new Float32Array(0) };

  // The windowed CT value of every int16 voxel value (index v + 32768), for the HU window
  // [lo, hi]: the per-voxel formula evaluated once per value, so int16 CTs look it up.
  int16Window(lo: number, hi: number): Float32Array {
    if (this.window?.lo !== lo || this.window.hi !== hi) {
      const table = new Float32Array(65536);
      for (let v = -32768; v < 32768; v++) table[v + 32768] = windowValue(v, lo, hi);
      this.window = { lo, hi, table };
    }
    return this.window.table;
  }

  // The resize plan from a width x height crop to size x size, cached.
  plan(width: number, height: number, size: number): ResizePlan {
    const key = (width * 65536 + height) * 65536 + size;
    let plan = this.plans.get(key);
    if (plan === undefined) {
      if (this.plans.size > 4096) this.plans.clear();
      plan = planResize(width, height, size, size);
      this.plans.set(key, plan);
    }
    return plan;
  }

  // A crop buffer of at least n floats.
  cropBuffer(n: number): Float32Array {
    if (this.crop.length < n) this.crop = new Float32Array(n);
    return this.crop;
  }

  // A resize output buffer of at least n floats.
  resizedBuffer(n: number): Float32Array {
    if (this.resized.length < n) this.resized = new Float32Array(n);
    return this.resized;
  }
}

// Writes the 2 x S x S network input of one slice (CT channel, then mask channel) into `dst`
// at `offset`, and returns the crop used.
export function writeSliceInput(
  ct: VoxelArray,
  mask: OrganMask,
  dims: readonly number[],
  box: SliceBox,
  params: PreprocessParams,
  workspace: SliceWorkspace,
  dst: Float32Array,
  offset: number,
): CropBounds {
  const nx = dims[0] as number;
  const ny = dims[1] as number;
  const size = params.inputSize;
  const crop = cropBounds(box, ny, nx, params.cropMargin);
  const width = crop.c1 - crop.c0;
  const height = crop.r1 - crop.r0;
  const plan = workspace.plan(width, height, size);
  const pixels = workspace.cropBuffer(width * height).subarray(0, width * height);
  const resized = workspace.resizedBuffer(size * size).subarray(0, size * size);
  const base = box.k * nx * ny;
  const [lo, hi] = params.huWindow;

  // CT: as float32, clipped to the window, mapped to [0, 1] in float32 arithmetic.
  if (ct instanceof Int16Array) {
    const table = workspace.int16Window(lo, hi);
    for (let r = 0; r < height; r++) {
      const src = base + (crop.r0 + r) * nx + crop.c0;
      const row = r * width;
      for (let c = 0; c < width; c++)
        pixels[row + c] = table[(ct[src + c] as number) + 32768] as number;
    }
  } else {
    for (let r = 0; r < height; r++) {
      const src = base + (crop.r0 + r) * nx + crop.c0;
      const row = r * width;
      for (let c = 0; c < width; c++) pixels[row + c] = windowValue(ct[src + c] as number, lo, hi);
    }
  }
  resizeBilinearF(pixels, plan, resized, workspace.scratch);
  normaliseInto(resized, params.ctMean, params.ctStd, dst, offset);

  // Mask: the binary crop as float 0/1, non-zero only inside the slice's box (clamped to the
  // crop), so only the box is read and the resize skips the zeros around it.
  const inside = {
    r0: Math.max(box.rmin - crop.r0, 0),
    r1: Math.min(box.rmax + 1 - crop.r0, height),
    c0: Math.max(box.cmin - crop.c0, 0),
    c1: Math.min(box.cmax + 1 - crop.c0, width),
  };
  const label = mask.label;
  const data = mask.data;
  pixels.fill(0, 0, inside.r0 * width);
  pixels.fill(0, inside.r1 * width, height * width);
  for (let r = inside.r0; r < inside.r1; r++) {
    const src = base + (crop.r0 + r) * nx + crop.c0;
    const row = r * width;
    pixels.fill(0, row, row + inside.c0);
    pixels.fill(0, row + inside.c1, row + width);
    if (label === undefined) {
      for (let c = inside.c0; c < inside.c1; c++)
        pixels[row + c] = (data[src + c] as number) > 0 ? 1 : 0;
    } else {
      for (let c = inside.c0; c < inside.c1; c++) pixels[row + c] = data[src + c] === label ? 1 : 0;
    }
  }
  resizeBilinearF(pixels, plan, resized, workspace.scratch, inside);
  normaliseInto(resized, params.maskMean, params.maskStd, dst, offset + size * size);
  return crop;
}

// A CT value as float32, clipped to the window [lo, hi] and mapped to [0, 1] in float32
// arithmetic (the caller stores it in a Float32Array).
function windowValue(value: number, lo: number, hi: number): number {
  let v = Math.fround(value);
  if (v < lo) v = lo;
  else if (v > hi) v = hi;
  return Math.fround(v - lo) / (hi - lo);
}

// dst[offset + i] = (src[i] - mean) / std, in float32 as the reference computes it.
function normaliseInto(
  src: Float32Array,
  mean: number,
  std: number,
  dst: Float32Array,
  offset: number,
): void {
  const m = Math.fround(mean);
  const s = Math.fround(std);
  for (let i = 0; i < src.length; i++) dst[offset + i] = Math.fround((src[i] as number) - m) / s;
}
