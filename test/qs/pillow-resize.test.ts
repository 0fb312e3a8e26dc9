import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { planResize, precomputeCoefficients, resizeBilinearF } from '../../src/qs/pillow-resize.js';

// Fixtures: Pillow's own `Image.fromarray(a, 'F').resize((S, S), Image.BILINEAR)`, written by
// tools/qs/make_resize_fixtures.py into test/fixtures/pillow-resize/.
interface ResizeFixture {
  name: string;
  description: string;
  pillowVersion: string;
  inputHeight: number;
  inputWidth: number;
  size: number;
  input: number[];
  rows: number[];
  output: number[][];
}

const dir = new URL('../../../test/fixtures/pillow-resize/', import.meta.url);
const fixtures = readdirSync(dir)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as ResizeFixture);

test('there are Pillow fixtures covering upscale, downscale, mixed, 1-pixel and same-size inputs', () => {
  assert.ok(fixtures.length >= 10, `${fixtures.length} fixtures`);
  const sizes = fixtures.map((f) => [f.inputWidth, f.inputHeight, f.size]);
  assert.ok(
    sizes.some(([w, h, s]) => (w as number) > (s as number) && (h as number) > (s as number)),
  );
  assert.ok(
    sizes.some(([w, h, s]) => (w as number) < (s as number) && (h as number) < (s as number)),
  );
  assert.ok(sizes.some(([w, h, s]) => w === s && h === s));
});

for (const f of fixtures) {
  test(`resize matches Pillow ${f.pillowVersion} to 1e-5: ${f.name} (${f.description})`, (t) => {
    const out = resizeBilinearF(
      Float32Array.from(f.input),
      planResize(f.inputWidth, f.inputHeight, f.size, f.size),
    );
    let worst = 0;
    f.rows.forEach((r, i) => {
      const expected = f.output[i] ?? [];
      assert.equal(expected.length, f.size);
      expected.forEach((v, c) => {
        worst = Math.max(worst, Math.abs((out[r * f.size + c] as number) - v));
      });
    });
    t.diagnostic(`max abs diff ${worst}`);
    assert.ok(worst <= 1e-5, `max abs diff ${worst}`);
  });
}

test('coefficients are normalised and follow Pillow bounds (support grows with the downscale)', () => {
  const up = precomputeCoefficients(4, 16);
  assert.equal(up.ksize, 3);
  const down = precomputeCoefficients(100, 16);
  assert.equal(down.ksize, Math.ceil(100 / 16) * 2 + 1);
  for (const c of [up, down]) {
    for (let i = 0; i < c.bounds.length / 2; i++) {
      let sum = 0;
      for (let x = 0; x < (c.bounds[2 * i + 1] as number); x++)
        sum += c.kk[i * c.ksize + x] as number;
      assert.ok(Math.abs(sum - 1) < 1e-12);
    }
  }
  // First output pixel of a 6.25x downscale: center 3.125, support 6.25, so source pixels 0..8.
  assert.equal(down.bounds[0], 0);
  assert.equal(down.bounds[1], 9);
});

test('a resize told where the source is non-zero equals the full resize bit for bit', () => {
  // Seeded masks: 0/1 inside a random rectangle (sometimes touching the edges, sometimes one
  // pixel), 0 outside, at sizes that upscale, downscale (up to 7 taps) and keep one axis.
  let seed = 12345;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * n);
  };
  const scratch = { buffer: new Float32Array(0) };
  for (let trial = 0; trial < 400; trial++) {
    const width = 1 + random(120);
    const height = 1 + random(120);
    const size = [8, 24, 64, width][random(4)] as number;
    const r0 = random(height);
    const r1 = r0 + 1 + random(height - r0);
    const c0 = random(width);
    const c1 = c0 + 1 + random(width - c0);
    const src = new Float32Array(width * height);
    for (let r = r0; r < r1; r++)
      for (let c = c0; c < c1; c++) src[r * width + c] = random(3) === 0 ? 0 : 1;
    const plan = planResize(width, height, size, size);
    const full = resizeBilinearF(src, plan);
    // The scratch buffer holds the previous trial's values: the skipped parts must not read them.
    const sparse = resizeBilinearF(src, plan, new Float32Array(size * size).fill(7), scratch, {
      r0,
      r1,
      c0,
      c1,
    });
    const a = new Uint32Array(full.buffer);
    const b = new Uint32Array(sparse.buffer);
    const at = a.findIndex((v, i) => v !== b[i]);
    assert.equal(
      at,
      -1,
      `${width}x${height} -> ${size}, rows ${r0}-${r1}, cols ${c0}-${c1}: pixel ${at}`,
    );
  }
});
