import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { packageRoot } from '../../src/package-root.js';
import { planResize, reachingOutputs, resizeBilinearF } from '../../src/qs/pillow-resize.js';
import { OFFICIAL_PARAMS, SliceWorkspace, writeSliceInput } from '../../src/qs/preprocess.js';
import { sliceBox } from '../../src/qs/slice-boxes.js';
import { SLICE_KERNELS_WASM, SliceKernels } from '../../src/qs/slice-kernels.js';
import { skipOrFail } from '../requirements/skip-or-fail.js';

// The WebAssembly kernels against their TypeScript twins, bit for bit, on seeded inputs; and
// the committed .wasm against a rebuild from its C source.

function lcg(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return Math.floor((s / 2147483648) * n);
  };
}

// The first index where two float arrays differ in their bits, or -1.
function firstBitDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return x.findIndex((v, i) => v !== y[i]);
}

test('the WebAssembly two-pass resize equals the TypeScript one bit for bit (images and masks)', () => {
  const random = lcg(777);
  const kernels = new SliceKernels();
  for (let trial = 0; trial < 300; trial++) {
    const width = 2 + random(150);
    const height = 2 + random(150);
    const size = [8, 24, 64, 256][random(4)] as number;
    if (width === size || height === size) continue; // one-pass resizes stay in TypeScript
    const plan = planResize(width, height, size, size);
    const src = new Float32Array(width * height);
    // Half the trials: a windowed CT crop (any value in [0, 1]); half: a 0/1 mask in a box.
    const masked = trial % 2 === 1;
    const rect = masked
      ? (() => {
          const r0 = random(height);
          const c0 = random(width);
          return { r0, r1: r0 + 1 + random(height - r0), c0, c1: c0 + 1 + random(width - c0) };
        })()
      : { r0: 0, r1: height, c0: 0, c1: width };
    for (let r = rect.r0; r < rect.r1; r++)
      for (let c = rect.c0; c < rect.c1; c++)
        src[r * width + c] = masked ? random(2) : Math.fround(random(1 << 20) / (1 << 20));
    const expected = resizeBilinearF(src, plan);
    const at = kernels.slice(width, width, height, size);
    kernels.f32.set(src, at.pixels / 4);
    kernels.f32.fill(Number.NaN, at.temp / 4, at.resized / 4); // stale scratch must not be read
    const [xFrom, xTo] = reachingOutputs(plan.horizontal, size, rect.c0, rect.c1);
    kernels.resizeTwoPass(plan, at.pixels, at.temp, at.resized, rect, xFrom, xTo);
    const got = kernels.f32.slice(at.resized / 4, at.resized / 4 + size * size);
    const at1 = firstBitDifference(got, expected);
    assert.equal(at1, -1, `${width}x${height} -> ${size}, ${JSON.stringify(rect)}: pixel ${at1}`);
  }
});

test('the WebAssembly normalisation and int16 window crop equal the TypeScript arithmetic', () => {
  const random = lcg(99);
  const kernels = new SliceKernels();
  const n = 4099; // not a multiple of 4: the scalar tail runs too
  const at = kernels.slice(64, 64, 64, 64);
  const values = new Float32Array(n).map((_, i) =>
    i < 8 ? ([0, 1, 0.5, -0, 1e-30, 3.4e38, 1e-45, 0.25][i] ?? 0) : Math.fround(random(1e9) / 1e9),
  );
  for (const [mean, std] of [
    [0.5, 0.25],
    [0.5, 0.5],
    [0.485, 0.229],
    [0.1, 3],
  ] as const) {
    kernels.f32.set(values, at.resized / 4);
    kernels.normalise(at.resized, n, mean, std);
    const m = Math.fround(mean);
    const s = Math.fround(std);
    const expected = values.map((v) => Math.fround(v - m) / s);
    const got = kernels.f32.slice(at.resized / 4, at.resized / 4 + n);
    assert.equal(firstBitDifference(got, expected), -1, `mean ${mean}, std ${std}`);
  }

  // The crop: rows of a band of int16 values through the window table.
  const table = new Float32Array(65536).map((_, i) => Math.fround((i - 32768) / 7));
  kernels.useTable(-1, 1, table);
  const nx = 37;
  const rows = 11;
  const band = Int16Array.from({ length: nx * rows }, () => random(65536) - 32768);
  kernels.i16.set(band, at.band / 2);
  kernels.cropWindowInt16(at.band, nx, 5, 20, rows, at.pixels);
  const got = kernels.f32.slice(at.pixels / 4, at.pixels / 4 + 20 * rows);
  const expected = new Float32Array(20 * rows);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < 20; c++)
      expected[r * 20 + c] = table[(band[r * nx + 5 + c] as number) + 32768] as number;
  assert.equal(firstBitDifference(got, expected), -1);
});

// Sets value() in each voxel of a random rectangle of slice 1 (nx x ny slices).
function sprinkle(
  mask: Uint8Array,
  nx: number,
  ny: number,
  random: (n: number) => number,
  value: () => number,
): void {
  const r0 = random(ny);
  const c0 = random(nx);
  const r1 = r0 + random(ny - r0);
  const c1 = c0 + random(nx - c0);
  for (let r = r0; r <= r1; r++)
    for (let c = c0; c <= c1; c++) mask[nx * ny + r * nx + c] = value();
}

test('the WebAssembly box of a uint8 mask slice equals the TypeScript one', () => {
  const random = lcg(4242);
  const kernels = new SliceKernels();
  for (let trial = 0; trial < 300; trial++) {
    const nx = 1 + random(70);
    const ny = 1 + random(40);
    const nz = 3;
    const mask = new Uint8Array(nx * ny * nz);
    // Empty, one voxel (edges included), or a sprinkled box; any non-zero byte counts.
    const kind = trial % 3;
    if (kind === 1) mask[nx * ny + random(nx * ny)] = 1 + random(255);
    if (kind === 2) sprinkle(mask, nx, ny, random, () => (random(4) === 0 ? 255 : 0));
    for (let k = 0; k < nz; k++)
      assert.deepEqual(
        kernels.byteBox(mask, k, nx, ny),
        sliceBox(mask, [nx, ny, nz], k),
        `trial ${trial}, slice ${k}`,
      );
  }
});

test('a uint8 mask crops in WebAssembly as the TypeScript crops any other mask, bit for bit', () => {
  const random = lcg(777);
  const workspace = new SliceWorkspace();
  for (let trial = 0; trial < 200; trial++) {
    const nx = 8 + random(90);
    const ny = 8 + random(70);
    const nz = 2;
    const ct = Int16Array.from({ length: nx * ny * nz }, () => random(1200) - 600);
    // Labels 0-5 sprinkled in a random rectangle of slice 1; per-organ (> 0) or one label.
    const bytes = new Uint8Array(nx * ny * nz);
    sprinkle(bytes, nx, ny, random, () => random(6));
    const label = trial % 2 === 0 ? undefined : 3;
    const box = sliceBox(bytes, [nx, ny, nz], 1, label);
    if (box === undefined) continue;
    const params = { ...OFFICIAL_PARAMS, inputSize: trial % 3 === 0 ? 256 : 24 + random(40) };
    const size = params.inputSize;
    const inWasm = new Float32Array(2 * size * size);
    const inTs = new Float32Array(2 * size * size);
    const dims = [nx, ny, nz];
    writeSliceInput(ct, { data: bytes, label }, dims, box, params, workspace, inWasm, 0);
    const wide = { data: Int16Array.from(bytes), label };
    writeSliceInput(ct, wide, dims, box, params, workspace, inTs, 0);
    assert.equal(firstBitDifference(inWasm, inTs), -1, `trial ${trial}`);
  }
});

test('the kernels memory grows for large crops and keeps what it holds', () => {
  const kernels = new SliceKernels();
  const table = new Float32Array(65536).fill(0.5);
  kernels.useTable(-200, 200, table);
  const at = kernels.slice(2048, 2048, 2048, 512); // a 16 MB crop: beyond the initial memory
  kernels.f32.fill(1, at.pixels / 4, at.pixels / 4 + 2048 * 2048);
  const plan = planResize(2048, 2048, 512, 512);
  kernels.resizeTwoPass(plan, at.pixels, at.temp, at.resized, { r0: 0, r1: 2048 }, 0, 512);
  const out = kernels.f32.subarray(at.resized / 4, at.resized / 4 + 512 * 512);
  assert.ok(out.every((v) => Math.abs(v - 1) < 1e-6));
  kernels.cropWindowInt16(at.band, 2048, 0, 4, 1, at.pixels); // the table survived the growth
  assert.equal(kernels.f32[at.pixels / 4], 0.5);
});

// Rebuilding needs Debian's clang and lld (scripts/install-system-deps.sh); skipped where they
// are missing, except under CI.
const clangMissing = skipOrFail(
  spawnSync('clang', ['--version']).status === 0 && spawnSync('wasm-ld', ['--version']).status === 0
    ? undefined
    : "clang and wasm-ld are not installed: install Debian's clang and lld (scripts/install-system-deps.sh)",
);

test(
  'the committed slice-kernels.wasm is what its C source builds to',
  { skip: clangMissing },
  () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'slice-kernels-'));
    try {
      const out = path.join(dir, 'slice-kernels.wasm');
      const build = spawnSync(path.join(packageRoot, 'scripts/build-slice-kernels.sh'), [out], {
        encoding: 'utf8',
      });
      assert.equal(build.status, 0, build.stderr);
      assert.ok(
        readFileSync(out).equals(readFileSync(SLICE_KERNELS_WASM)),
        'src/qs/kernels/slice-kernels.wasm is stale: run scripts/build-slice-kernels.sh and commit it',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
