// A port of Pillow's ImagingResample (src/libImaging/Resample.c) for mode-F images with the
// BILINEAR (triangle) filter: antialiased, two passes (horizontal first) through a float32
// intermediate, double coefficients and accumulators, float32 storage. The official Quality
// Sentinel preprocessing resizes its crops with exactly this, so it is matched operation by
// operation rather than approximated with plain bilinear interpolation.

// The coefficients of one resampling axis: for output pixel i, the source range
// [bounds[2i], bounds[2i] + bounds[2i+1]) weighted by kk[i*ksize ..].
export interface AxisCoefficients {
  ksize: number;
  bounds: Int32Array;
  kk: Float64Array;
}

// Pillow's bilinear_filter.
function bilinearFilter(x: number): number {
  const a = x < 0 ? -x : x;
  return a < 1 ? 1 - a : 0;
}

// Pillow's precompute_coeffs for the BILINEAR filter (support 1) over the box [in0, in1).
export function precomputeCoefficients(
  inSize: number,
  outSize: number,
  in0 = 0,
  in1 = inSize,
): AxisCoefficients {
  // Pillow passes the box as C floats and subtracts them as floats before widening.
  const scale = Math.fround(Math.fround(in1) - Math.fround(in0)) / outSize;
  const filterscale = scale < 1 ? 1 : scale;
  const support = 1 * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const kk = new Float64Array(outSize * ksize);
  const bounds = new Int32Array(outSize * 2);
  const ss = 1 / filterscale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = Math.fround(in0) + (xx + 0.5) * scale;
    let ww = 0;
    // (int) casts truncate toward zero.
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    const base = xx * ksize;
    for (let x = 0; x < xmax; x++) {
      const w = bilinearFilter((x + xmin - center + 0.5) * ss);
      kk[base + x] = w;
      ww += w;
    }
    if (ww !== 0) {
      for (let x = 0; x < xmax; x++) kk[base + x] = (kk[base + x] as number) / ww;
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, kk };
}

// The coefficients of both axes of one resize, reusable for every image of that size pair.
export interface ResizePlan {
  inWidth: number;
  inHeight: number;
  outWidth: number;
  outHeight: number;
  horizontal: AxisCoefficients;
  vertical: AxisCoefficients;
}

// Precomputes the coefficients of an inWidth x inHeight -> outWidth x outHeight resize.
export function planResize(
  inWidth: number,
  inHeight: number,
  outWidth: number,
  outHeight: number,
): ResizePlan {
  return {
    inWidth,
    inHeight,
    outWidth,
    outHeight,
    horizontal: precomputeCoefficients(inWidth, outWidth),
    vertical: precomputeCoefficients(inHeight, outHeight),
  };
}

// Both passes sum each output pixel's taps in Pillow's order, starting from 0 (`ss = 0;
// ss += src * k` in double), so results are bit-identical to the plain loops; they only walk
// the image in an order that suits typed arrays: a pass fixes one output column (horizontal)
// or row (vertical) with its weights, then runs along the other axis. The common 2- and 3-tap
// kernels (upscaling, mild downscaling) are written out.

// Double accumulators of the vertical pass for kernels of more than 3 taps, grown on demand.
let accumulators = new Float64Array(0);

// ImagingResampleHorizontal_32bpc (float case): rows [offset, offset + rows) of src, output
// columns [xFrom, xTo) (the others are left as they are).
function resampleHorizontal(
  src: Float32Array,
  srcWidth: number,
  offset: number,
  rows: number,
  outWidth: number,
  c: AxisCoefficients,
  dst: Float32Array,
  xFrom: number,
  xTo: number,
): void {
  const { ksize, bounds, kk } = c;
  for (let xx = xFrom; xx < xTo; xx++) {
    const xmin = bounds[xx * 2] as number;
    const xmax = bounds[xx * 2 + 1] as number;
    const k = xx * ksize;
    const first = offset * srcWidth + xmin;
    if (xmax === 2) {
      const w0 = kk[k] as number;
      const w1 = kk[k + 1] as number;
      for (let yy = 0, s = first, d = xx; yy < rows; yy++, s += srcWidth, d += outWidth)
        dst[d] = 0 + (src[s] as number) * w0 + (src[s + 1] as number) * w1;
    } else if (xmax === 3) {
      const w0 = kk[k] as number;
      const w1 = kk[k + 1] as number;
      const w2 = kk[k + 2] as number;
      for (let yy = 0, s = first, d = xx; yy < rows; yy++, s += srcWidth, d += outWidth)
        dst[d] =
          0 + (src[s] as number) * w0 + (src[s + 1] as number) * w1 + (src[s + 2] as number) * w2;
    } else {
      for (let yy = 0, s = first, d = xx; yy < rows; yy++, s += srcWidth, d += outWidth) {
        let ss = 0;
        for (let x = 0; x < xmax; x++) ss += (src[s + x] as number) * (kk[k + x] as number);
        dst[d] = ss;
      }
    }
  }
}

// ImagingResampleVertical_32bpc (float case); yShift is subtracted from every bound (Pillow
// shifts the vertical bounds by the first row the horizontal pass kept). Only columns
// [xFrom, xTo) and output rows whose taps reach src rows [yFrom, yTo) (after the shift) are
// computed; the rest of dst is 0, which is what Pillow gives when src is 0 outside them.
function resampleVertical(
  src: Float32Array,
  width: number,
  outHeight: number,
  c: AxisCoefficients,
  yShift: number,
  dst: Float32Array,
  xFrom = 0,
  xTo = width,
  yFrom = 0,
  yTo = Number.POSITIVE_INFINITY,
): void {
  const { ksize, bounds, kk } = c;
  if (accumulators.length < width) accumulators = new Float64Array(width);
  const acc = accumulators;
  for (let yy = 0; yy < outHeight; yy++) {
    const k = yy * ksize;
    const ymin = (bounds[yy * 2] as number) - yShift;
    const ymax = bounds[yy * 2 + 1] as number;
    const p = ymin * width;
    const outRow = yy * width;
    if (ymin >= yTo || ymin + ymax <= yFrom || xFrom >= xTo) {
      dst.fill(0, outRow, outRow + width);
      continue;
    }
    if (xFrom > 0) dst.fill(0, outRow, outRow + xFrom);
    if (xTo < width) dst.fill(0, outRow + xTo, outRow + width);
    if (ymax === 2) {
      const w0 = kk[k] as number;
      const w1 = kk[k + 1] as number;
      const p1 = p + width;
      for (let xx = xFrom; xx < xTo; xx++)
        dst[outRow + xx] = 0 + (src[p + xx] as number) * w0 + (src[p1 + xx] as number) * w1;
    } else if (ymax === 3) {
      const w0 = kk[k] as number;
      const w1 = kk[k + 1] as number;
      const w2 = kk[k + 2] as number;
      const p1 = p + width;
      const p2 = p1 + width;
      for (let xx = xFrom; xx < xTo; xx++)
        dst[outRow + xx] =
          0 +
          (src[p + xx] as number) * w0 +
          (src[p1 + xx] as number) * w1 +
          (src[p2 + xx] as number) * w2;
    } else {
      acc.fill(0, xFrom, xTo);
      for (let y = 0, row = p; y < ymax; y++, row += width) {
        const w = kk[k + y] as number;
        for (let xx = xFrom; xx < xTo; xx++)
          acc[xx] = (acc[xx] as number) + (src[row + xx] as number) * w;
      }
      for (let xx = xFrom; xx < xTo; xx++) dst[outRow + xx] = acc[xx] as number;
    }
  }
}

// The output range [from, to) of an axis whose taps reach source range [lo, hi): contiguous,
// as Pillow's bounds grow with the output index. Empty (from === to) when none does.
export function reachingOutputs(
  c: AxisCoefficients,
  outSize: number,
  lo: number,
  hi: number,
): [number, number] {
  let from = 0;
  while (
    from < outSize &&
    (c.bounds[from * 2] as number) + (c.bounds[from * 2 + 1] as number) <= lo
  )
    from++;
  let to = outSize;
  while (to > from && (c.bounds[(to - 1) * 2] as number) >= hi) to--;
  return [from, to];
}

// Where a source image may be non-zero: rows [r0, r1), columns [c0, c1). A resize given one
// skips the taps outside it (all zero), with results identical to the full resize.
export interface NonZeroRect {
  r0: number;
  r1: number;
  c0: number;
  c1: number;
}

// Resizes a row-major float32 image (plan.inWidth x plan.inHeight) as Pillow's
// `Image.fromarray(a, 'F').resize((outWidth, outHeight), Image.BILINEAR)` does. `scratch`
// may be passed to reuse the intermediate buffer (any length; replaced when too short).
// `nonZero`, when given, promises that src is 0 outside it (a mask around its bounding box),
// so that the taps there are skipped.
export function resizeBilinearF(
  src: Float32Array,
  plan: ResizePlan,
  out: Float32Array = new Float32Array(plan.outWidth * plan.outHeight),
  scratch?: { buffer: Float32Array },
  nonZero?: NonZeroRect,
): Float32Array {
  const { inWidth, inHeight, outWidth, outHeight, horizontal, vertical } = plan;
  if (src.length < inWidth * inHeight)
    throw new RangeError('resizeBilinearF: source smaller than its plan');
  if (out.length < outWidth * outHeight)
    throw new RangeError('resizeBilinearF: output smaller than its plan');
  const needHorizontal = outWidth !== inWidth;
  const needVertical = outHeight !== inHeight;
  if (!needHorizontal && !needVertical) {
    out.set(src.subarray(0, inWidth * inHeight));
    return out;
  }
  const rows = nonZero ?? { r0: 0, r1: inHeight, c0: 0, c1: inWidth };
  if (!needHorizontal) {
    resampleVertical(src, inWidth, outHeight, vertical, 0, out, 0, inWidth, rows.r0, rows.r1);
    return out;
  }
  // The rows the vertical pass will read, and the output columns the non-zero ones reach.
  const yFirst = vertical.bounds[0] as number;
  const yLast =
    (vertical.bounds[outHeight * 2 - 2] as number) + (vertical.bounds[outHeight * 2 - 1] as number);
  const [xFrom, xTo] = reachingOutputs(horizontal, outWidth, rows.c0, rows.c1);
  if (!needVertical) {
    resampleHorizontal(
      src,
      inWidth,
      yFirst,
      yLast - yFirst,
      outWidth,
      horizontal,
      out,
      0,
      outWidth,
    );
    return out;
  }
  const need = outWidth * (yLast - yFirst);
  let temp: Float32Array;
  if (scratch) {
    if (scratch.buffer.length < need) scratch.buffer = new Float32Array(need);
    temp = scratch.buffer;
  } else {
    temp = new Float32Array(need);
  }
  // The horizontal pass over the rows that may be non-zero; the rows around them are 0.
  const r0 = Math.min(Math.max(rows.r0, yFirst), yLast);
  const r1 = Math.max(Math.min(rows.r1, yLast), r0);
  temp.fill(0, 0, (r0 - yFirst) * outWidth);
  temp.fill(0, (r1 - yFirst) * outWidth, need);
  resampleHorizontal(
    src,
    inWidth,
    r0,
    r1 - r0,
    outWidth,
    horizontal,
    temp.subarray((r0 - yFirst) * outWidth),
    xFrom,
    xTo,
  );
  resampleVertical(
    temp,
    outWidth,
    outHeight,
    vertical,
    yFirst,
    out,
    xFrom,
    xTo,
    r0 - yFirst,
    r1 - yFirst,
  );
  return out;
}
