// The arithmetic of QS slice preprocessing (QS-INFERENCE.md, steps 2-5) for WebAssembly with
// 128-bit SIMD: a mask slice's bounding box, the int16 CT crop through its window table, the
// uint8 mask crop, Pillow's two-pass BILINEAR mode-F resize, and the normalisation. Each
// function does exactly the operations of its TypeScript twin (src/qs/preprocess.ts,
// src/qs/pillow-resize.ts), in the same order and precision, so the results are bit-identical:
// double coefficients and accumulators summed tap by tap from 0, float32 storage, float32
// (x - mean) / std. Build with scripts/build-slice-kernels.sh (no fast-math, and WebAssembly
// has no fused multiply-add, so nothing is contracted or reordered). Memory is laid out by the
// caller (slice-kernels.ts); pointers are byte offsets into it.

#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

// out[r * w + c] = table[band[r * nx + c0 + c] + 32768] for the crop's h rows and w columns.
EXPORT(crop_window_i16)
void crop_window_i16(const short *band, int nx, int c0, int w, int h, const float *table,
                     float *out) {
  for (int r = 0; r < h; r++) {
    const short *src = band + r * nx + c0;
    float *dst = out + r * w;
    for (int c = 0; c < w; c++) dst[c] = table[src[c] + 32768];
  }
}

// The mask channel's crop, w x h floats: 1 where the mask byte is non-zero (label < 0) or equals
// label, inside rows [r0, r1) and columns [ci0, ci1) of the crop; 0 elsewhere. band holds the
// mask rows of the crop's rows r0..r1 (nx bytes each, from column 0); c0 is the crop's first
// column.
EXPORT(crop_mask_u8)
void crop_mask_u8(const unsigned char *band, int nx, int c0, int w, int h, int r0, int r1,
                  int ci0, int ci1, int label, float *out) {
  for (int i = 0; i < r0 * w; i++) out[i] = 0;
  for (int r = r0; r < r1; r++) {
    const unsigned char *src = band + (r - r0) * nx + c0;
    float *dst = out + r * w;
    for (int c = 0; c < ci0; c++) dst[c] = 0;
    if (label < 0)
      for (int c = ci0; c < ci1; c++) dst[c] = src[c] != 0 ? 1.0f : 0.0f;
    else
      for (int c = ci0; c < ci1; c++) dst[c] = src[c] == label ? 1.0f : 0.0f;
    for (int c = ci1; c < w; c++) dst[c] = 0;
  }
  for (int i = (r1 > r0 ? r1 : r0) * w; i < h * w; i++) out[i] = 0;
}

// ImagingResampleHorizontal_32bpc (float case): `rows` rows of src from row `first`, output
// columns [x_from, x_to) of each, into dst rows 0.. (width out_w). One output column at a time,
// down the rows, so that its tap count is fixed in the inner loop (2 and 3 taps written out).
static void resample_horizontal(const float *src, int src_w, int first, int rows, int out_w,
                                const int *bounds, const double *kk, int ksize, float *dst,
                                int x_from, int x_to) {
  for (int xx = x_from; xx < x_to; xx++) {
    const float *s = src + first * src_w + bounds[xx * 2];
    const int n = bounds[xx * 2 + 1];
    const double *k = kk + xx * ksize;
    float *out = dst + xx;
    if (n == 2) {
      const double k0 = k[0], k1 = k[1];
      for (int yy = 0; yy < rows; yy++, s += src_w, out += out_w)
        *out = (float)(0.0 + (double)s[0] * k0 + (double)s[1] * k1);
    } else if (n == 3) {
      const double k0 = k[0], k1 = k[1], k2 = k[2];
      for (int yy = 0; yy < rows; yy++, s += src_w, out += out_w)
        *out = (float)(0.0 + (double)s[0] * k0 + (double)s[1] * k1 + (double)s[2] * k2);
    } else {
      for (int yy = 0; yy < rows; yy++, s += src_w, out += out_w) {
        double ss = 0;
        for (int x = 0; x < n; x++) ss += (double)s[x] * k[x];
        *out = (float)ss;
      }
    }
  }
}

// ImagingResampleVertical_32bpc (float case), as resampleVertical in pillow-resize.ts: bounds
// shifted by y_shift; columns [x_from, x_to) and the output rows whose taps reach src rows
// [y_from, y_to) computed, the rest 0. Four columns at a time: two f64x2 accumulators.
static void resample_vertical(const float *src, int width, int out_h, const int *bounds,
                              const double *kk, int ksize, int y_shift, float *dst, int x_from,
                              int x_to, int y_from, int y_to) {
  for (int yy = 0; yy < out_h; yy++) {
    const int ymin = bounds[yy * 2] - y_shift;
    const int n = bounds[yy * 2 + 1];
    const double *k = kk + yy * ksize;
    float *out = dst + yy * width;
    if (ymin >= y_to || ymin + n <= y_from || x_from >= x_to) {
      for (int xx = 0; xx < width; xx++) out[xx] = 0;
      continue;
    }
    for (int xx = 0; xx < x_from; xx++) out[xx] = 0;
    for (int xx = x_to; xx < width; xx++) out[xx] = 0;
    const float *p = src + ymin * width;
    int xx = x_from;
    for (; xx + 4 <= x_to; xx += 4) {
      v128_t lo = wasm_f64x2_splat(0);
      v128_t hi = wasm_f64x2_splat(0);
      for (int y = 0; y < n; y++) {
        const v128_t v = wasm_v128_load(p + y * width + xx);
        const v128_t w = wasm_f64x2_splat(k[y]);
        lo = wasm_f64x2_add(lo, wasm_f64x2_mul(wasm_f64x2_promote_low_f32x4(v), w));
        hi = wasm_f64x2_add(
            hi, wasm_f64x2_mul(wasm_f64x2_promote_low_f32x4(wasm_i64x2_shuffle(v, v, 1, 0)), w));
      }
      const v128_t packed = wasm_i64x2_shuffle(wasm_f32x4_demote_f64x2_zero(lo),
                                               wasm_f32x4_demote_f64x2_zero(hi), 0, 2);
      wasm_v128_store(out + xx, packed);
    }
    for (; xx < x_to; xx++) {
      double ss = 0;
      for (int y = 0; y < n; y++) ss += (double)p[y * width + xx] * k[y];
      out[xx] = (float)ss;
    }
  }
}

// Pillow's resize of an in_w x in_h image to out_w x out_h (both passes needed: the caller
// copies or uses one pass otherwise), src zero outside rows [r0, r1) and columns [c0, c1):
// resizeBilinearF's two-pass branch. `temp` holds out_w x (rows the vertical pass reads).
// x_from, x_to: the output columns the non-zero source columns reach (from the caller).
EXPORT(resize_two_pass)
void resize_two_pass(const float *src, int in_w, int out_w, int out_h, const int *h_bounds,
                     const double *h_kk, int h_ksize, const int *v_bounds, const double *v_kk,
                     int v_ksize, float *temp, float *out, int r0, int r1, int x_from, int x_to) {
  const int y_first = v_bounds[0];
  const int y_last = v_bounds[out_h * 2 - 2] + v_bounds[out_h * 2 - 1];
  if (r0 < y_first) r0 = y_first;
  if (r0 > y_last) r0 = y_last;
  if (r1 > y_last) r1 = y_last;
  if (r1 < r0) r1 = r0;
  const int rows = y_last - y_first;
  for (int i = 0; i < (r0 - y_first) * out_w; i++) temp[i] = 0;
  for (int i = (r1 - y_first) * out_w; i < rows * out_w; i++) temp[i] = 0;
  resample_horizontal(src, in_w, r0, r1 - r0, out_w, h_bounds, h_kk, h_ksize,
                      temp + (r0 - y_first) * out_w, x_from, x_to);
  resample_vertical(temp, out_w, out_h, v_bounds, v_kk, v_ksize, y_first, out, x_from, x_to,
                    r0 - y_first, r1 - y_first);
}

// The bounding box of the non-zero bytes of an nx x ny uint8 plane (a per-organ mask slice):
// out = {rmin, rmax, cmin, cmax}, rmax = -1 when there are none. All-zero runs of 16 bytes are
// skipped with one SIMD test.
EXPORT(byte_box)
void byte_box(const unsigned char *plane, int nx, int ny, int *out) {
  int rmin = ny, rmax = -1, cmin = nx, cmax = -1;
  for (int r = 0; r < ny; r++) {
    const unsigned char *row = plane + r * nx;
    int first = -1, last = -1, c = 0;
    for (; c + 16 <= nx; c += 16) {
      if (!wasm_v128_any_true(wasm_v128_load(row + c))) continue;
      for (int i = c; i < c + 16; i++) {
        if (row[i] == 0) continue;
        if (first < 0) first = i;
        last = i;
      }
    }
    for (; c < nx; c++) {
      if (row[c] == 0) continue;
      if (first < 0) first = c;
      last = c;
    }
    if (first < 0) continue;
    if (rmax < 0) rmin = r;
    rmax = r;
    if (first < cmin) cmin = first;
    if (last > cmax) cmax = last;
  }
  out[0] = rmin;
  out[1] = rmax;
  out[2] = cmin;
  out[3] = cmax;
}

// dst[i] = (src[i] - mean) / std in float32, four at a time.
EXPORT(normalise)
void normalise(const float *src, int n, float mean, float std, float *dst) {
  const v128_t m = wasm_f32x4_splat(mean);
  const v128_t s = wasm_f32x4_splat(std);
  int i = 0;
  for (; i + 4 <= n; i += 4)
    wasm_v128_store(dst + i, wasm_f32x4_div(wasm_f32x4_sub(wasm_v128_load(src + i), m), s));
  for (; i < n; i++) dst[i] = (src[i] - mean) / std;
}
