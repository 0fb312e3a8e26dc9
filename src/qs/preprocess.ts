import type { VoxelArray } from '../volume/types.js';
import {
  type NonZeroRect,
  type ResizePlan,
  planResize,
  reachingOutputs,
  resizeBilinearF,
} from './pillow-resize.js';
import { type CropBounds, type SliceBox, cropBounds } from './slice-boxes.js';
import { SliceKernels, type SliceRegions } from './slice-kernels.js';

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

// Resize plans, the int16 window table and the WebAssembly kernels with their memory, one per
// preprocessing loop (not shared across threads).
export class SliceWorkspace {
  private readonly plans = new Map<number, ResizePlan>();
  private window: { lo: number; hi: number; table: Float32Array } | undefined;
  readonly kernels = new SliceKernels();

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
}

// Writes the 2 x S x S network input of one slice (CT channel, then mask channel) into `dst`
// at `offset`, and returns the crop used. The crops are made in the kernels' memory, where
// they are resized and normalised.
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
  const kernels = workspace.kernels;
  const at = kernels.slice(nx, width, height, size);
  const base = box.k * nx * ny;
  const [lo, hi] = params.huWindow;

  // CT: as float32, clipped to the window, mapped to [0, 1] in float32 arithmetic.
  if (ct instanceof Int16Array) {
    kernels.useTable(lo, hi, workspace.int16Window(lo, hi));
    const band = base + crop.r0 * nx;
    kernels.i16.set(ct.subarray(band, band + height * nx), at.band / 2);
    kernels.cropWindowInt16(at.band, nx, crop.c0, width, height, at.pixels);
  } else {
    const pixels = kernels.f32;
    for (let r = 0; r < height; r++) {
      const src = base + (crop.r0 + r) * nx + crop.c0;
      const row = at.pixels / 4 + r * width;
      for (let c = 0; c < width; c++) pixels[row + c] = windowValue(ct[src + c] as number, lo, hi);
    }
  }
  const all = { r0: 0, r1: height, c0: 0, c1: width };
  resizeNormalise(kernels, plan, at, all, params.ctMean, params.ctStd, dst, offset);

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
  if (data instanceof Uint8Array) {
    // The CT band is done with: the mask's rows take its place.
    const start = base + (crop.r0 + inside.r0) * nx;
    kernels.u8.set(data.subarray(start, start + Math.max(inside.r1 - inside.r0, 0) * nx), at.band);
    kernels.cropMaskUint8(at.band, nx, crop.c0, width, height, inside, label, at.pixels);
  } else
    writeMaskCrop(
      data,
      label,
      base + crop.r0 * nx + crop.c0,
      nx,
      width,
      height,
      inside,
      kernels.f32,
      at.pixels / 4,
    );
  resizeNormalise(
    kernels,
    plan,
    at,
    inside,
    params.maskMean,
    params.maskStd,
    dst,
    offset + size * size,
  );
  return crop;
}

// The mask channel's crop as float 0/1 (voxel > 0, or === label), non-zero only inside
// `inside`, into pixels at p0 (width x height); `from` is the crop's first voxel.
function writeMaskCrop(
  data: VoxelArray,
  label: number | undefined,
  from: number,
  nx: number,
  width: number,
  height: number,
  inside: NonZeroRect,
  pixels: Float32Array,
  p0: number,
): void {
  pixels.fill(0, p0, p0 + inside.r0 * width);
  pixels.fill(0, p0 + inside.r1 * width, p0 + height * width);
  for (let r = inside.r0; r < inside.r1; r++) {
    const src = from + r * nx;
    const row = p0 + r * width;
    pixels.fill(0, row, row + inside.c0);
    pixels.fill(0, row + inside.c1, row + width);
    if (label === undefined) {
      for (let c = inside.c0; c < inside.c1; c++)
        pixels[row + c] = (data[src + c] as number) > 0 ? 1 : 0;
    } else {
      for (let c = inside.c0; c < inside.c1; c++) pixels[row + c] = data[src + c] === label ? 1 : 0;
    }
  }
}

// Resizes the crop at at.pixels (zero outside `nonZero`) to S x S, normalises it and copies it
// to dst at offset. The common two-pass resize runs in WebAssembly; a crop already S wide or
// high takes the TypeScript resize on the same memory.
function resizeNormalise(
  kernels: SliceKernels,
  plan: ResizePlan,
  at: SliceRegions,
  nonZero: NonZeroRect,
  mean: number,
  std: number,
  dst: Float32Array,
  offset: number,
): void {
  const n = plan.outWidth * plan.outHeight;
  if (plan.inWidth !== plan.outWidth && plan.inHeight !== plan.outHeight) {
    const [xFrom, xTo] = reachingOutputs(plan.horizontal, plan.outWidth, nonZero.c0, nonZero.c1);
    kernels.resizeTwoPass(plan, at.pixels, at.temp, at.resized, nonZero, xFrom, xTo);
  } else {
    const f32 = kernels.f32;
    const src = f32.subarray(at.pixels / 4, at.pixels / 4 + plan.inWidth * plan.inHeight);
    resizeBilinearF(
      src,
      plan,
      f32.subarray(at.resized / 4, at.resized / 4 + n),
      undefined,
      nonZero,
    );
  }
  kernels.normalise(at.resized, n, mean, std);
  dst.set(kernels.f32.subarray(at.resized / 4, at.resized / 4 + n), offset);
}

// A CT value as float32, clipped to the window [lo, hi] and mapped to [0, 1] in float32
// arithmetic (the caller stores it in a Float32Array).
function windowValue(value: number, lo: number, hi: number): number {
  let v = Math.fround(value);
  if (v < lo) v = lo;
  else if (v > hi) v = hi;
  return Math.fround(v - lo) / (hi - lo);
}
