import { readFileSync } from 'node:fs';
import { packageRoot } from '../package-root.js';
import type { ResizePlan } from './pillow-resize.js';
import type { SliceBox } from './slice-boxes.js';

// The WebAssembly build of the slice arithmetic (src/qs/kernels/slice-kernels.c, built by
// scripts/build-slice-kernels.sh): a uint8 mask slice's box, the int16 CT crop, the uint8
// mask crop, Pillow's two-pass resize and the normalisation, identical to the TypeScript
// (test/qs/slice-kernels.test.ts) and 2-3x faster with 128-bit SIMD. One SliceKernels per
// preprocessing loop: it owns a WebAssembly memory where the loop crops, resizes and
// normalises each slice.

export const SLICE_KERNELS_WASM = `${packageRoot}/src/qs/kernels/slice-kernels.wasm`;

interface KernelExports {
  byte_box(plane: number, nx: number, ny: number, out: number): void;
  crop_window_i16(
    band: number,
    nx: number,
    c0: number,
    w: number,
    h: number,
    table: number,
    out: number,
  ): void;
  resize_two_pass(
    src: number,
    inW: number,
    outW: number,
    outH: number,
    hBounds: number,
    hKk: number,
    hKsize: number,
    vBounds: number,
    vKk: number,
    vKsize: number,
    temp: number,
    out: number,
    r0: number,
    r1: number,
    xFrom: number,
    xTo: number,
  ): void;
  normalise(src: number, n: number, mean: number, std: number, dst: number): void;
  crop_mask_u8(
    band: number,
    nx: number,
    c0: number,
    w: number,
    h: number,
    r0: number,
    r1: number,
    ci0: number,
    ci1: number,
    label: number,
    out: number,
  ): void;
}

let compiled: WebAssembly.Module | undefined;
function kernelModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(readFileSync(SLICE_KERNELS_WASM));
  return compiled;
}

const PAGE = 65536;
// Below this offset: the module's stack (64 kB, first in memory; see the build script).
const RESERVED = 2 * PAGE;
// The int16 window table: 65536 floats.
const TABLE_BYTES = 65536 * 4;
// Resize coefficients of the plans in use; cleared when full.
const PLAN_BYTES = 2 << 20;

// Where one resize plan's coefficients sit in the kernels' memory.
interface PlanRegions {
  hBounds: number;
  hKk: number;
  vBounds: number;
  vKk: number;
}

// The offsets of one slice's working arrays (see slice()).
export interface SliceRegions {
  band: number;
  pixels: number;
  temp: number;
  resized: number;
}

export class SliceKernels {
  private readonly memory: WebAssembly.Memory;
  private readonly kernels: KernelExports;
  private readonly plans = new Map<ResizePlan, PlanRegions>();
  private planUsed = 0;
  private table: { lo: number; hi: number } | undefined;
  // Views of the whole memory, renewed when it grows.
  f32!: Float32Array;
  i16!: Int16Array;
  u8!: Uint8Array;
  private i32!: Int32Array;
  private f64!: Float64Array;

  constructor() {
    this.memory = new WebAssembly.Memory({ initial: (RESERVED + TABLE_BYTES + PLAN_BYTES) / PAGE });
    const instance = new WebAssembly.Instance(kernelModule(), { env: { memory: this.memory } });
    this.kernels = instance.exports as unknown as KernelExports;
    this.renewViews();
  }

  // Offsets for one slice: the CT band (rows x nx int16), the crop (w x h floats), the
  // horizontal pass (size x h floats at most) and the resized image (size x size floats).
  slice(nx: number, w: number, h: number, size: number): SliceRegions {
    const band = this.scratchStart();
    const pixels = align(band + h * nx * 2);
    const temp = align(pixels + w * h * 4);
    const resized = align(temp + size * Math.max(h, size) * 4);
    this.ensure(resized + size * size * 4);
    return { band, pixels, temp, resized };
  }

  // Copies the window table (int16 value + 32768 -> windowed float) in, once per window.
  useTable(lo: number, hi: number, table: Float32Array): void {
    if (this.table?.lo === lo && this.table.hi === hi) return;
    this.f32.set(table, RESERVED / 4);
    this.table = { lo, hi };
  }

  // The box of the non-zero voxels of slice k of a uint8 mask (nx x ny slices), or undefined.
  byteBox(mask: Uint8Array, k: number, nx: number, ny: number): SliceBox | undefined {
    const plane = nx * ny;
    const out = this.scratchStart();
    this.ensure(out + 16 + plane);
    this.u8.set(mask.subarray(k * plane, (k + 1) * plane), out + 16);
    this.kernels.byte_box(out + 16, nx, ny, out);
    const box = Array.from(this.i32.subarray(out / 4, out / 4 + 4));
    const [rmin = 0, rmax = -1, cmin = 0, cmax = 0] = box;
    return rmax < 0 ? undefined : { k, rmin, rmax, cmin, cmax };
  }

  cropWindowInt16(band: number, nx: number, c0: number, w: number, h: number, out: number): void {
    this.kernels.crop_window_i16(band, nx, c0, w, h, RESERVED, out);
  }

  // The mask channel's w x h crop at `out`: 1 where the mask byte is non-zero (label undefined)
  // or equals label, inside `inside`; 0 elsewhere. `band` holds the mask rows of the crop's
  // rows inside.r0..inside.r1, nx bytes each; c0 is the crop's first column.
  cropMaskUint8(
    band: number,
    nx: number,
    c0: number,
    w: number,
    h: number,
    inside: { r0: number; r1: number; c0: number; c1: number },
    label: number | undefined,
    out: number,
  ): void {
    const { r0, r1, c0: ci0, c1: ci1 } = inside;
    this.kernels.crop_mask_u8(band, nx, c0, w, h, r0, r1, ci0, ci1, label ?? -1, out);
  }

  // Pillow's two-pass resize of the crop at `src` (plan.inWidth x plan.inHeight, zero outside
  // `rows` and the columns whose outputs are [xFrom, xTo)) into `out`, through `temp`.
  resizeTwoPass(
    plan: ResizePlan,
    src: number,
    temp: number,
    out: number,
    rows: { r0: number; r1: number },
    xFrom: number,
    xTo: number,
  ): void {
    const p = this.planRegions(plan);
    this.kernels.resize_two_pass(
      src,
      plan.inWidth,
      plan.outWidth,
      plan.outHeight,
      p.hBounds,
      p.hKk,
      plan.horizontal.ksize,
      p.vBounds,
      p.vKk,
      plan.vertical.ksize,
      temp,
      out,
      rows.r0,
      rows.r1,
      xFrom,
      xTo,
    );
  }

  // (x - mean) / std in float32 for n floats at src, in place.
  normalise(src: number, n: number, mean: number, std: number): void {
    this.kernels.normalise(src, n, mean, std, src);
  }

  private planRegions(plan: ResizePlan): PlanRegions {
    let regions = this.plans.get(plan);
    if (regions !== undefined) return regions;
    const parts = [
      plan.horizontal.bounds,
      plan.horizontal.kk,
      plan.vertical.bounds,
      plan.vertical.kk,
    ];
    const bytes = parts.reduce((n, a) => n + align(a.byteLength), 0);
    if (bytes > PLAN_BYTES) throw new RangeError(`resize plan of ${bytes} bytes: too large`);
    if (this.planUsed + bytes > PLAN_BYTES) {
      this.plans.clear();
      this.planUsed = 0;
    }
    const at: number[] = [];
    for (const a of parts) {
      const offset = RESERVED + TABLE_BYTES + this.planUsed;
      if (a instanceof Int32Array) this.i32.set(a, offset / 4);
      else this.f64.set(a, offset / 8);
      at.push(offset);
      this.planUsed += align(a.byteLength);
    }
    regions = {
      hBounds: at[0] as number,
      hKk: at[1] as number,
      vBounds: at[2] as number,
      vKk: at[3] as number,
    };
    this.plans.set(plan, regions);
    return regions;
  }

  private scratchStart(): number {
    return RESERVED + TABLE_BYTES + PLAN_BYTES;
  }

  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    this.memory.grow(Math.ceil((end - have) / PAGE));
    this.renewViews();
  }

  private renewViews(): void {
    const buffer = this.memory.buffer;
    this.f32 = new Float32Array(buffer);
    this.i16 = new Int16Array(buffer);
    this.u8 = new Uint8Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.f64 = new Float64Array(buffer);
  }
}

// Rounds a byte offset up to 16 (SIMD loads and float64 arrays stay aligned).
function align(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}
