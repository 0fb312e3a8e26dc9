import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  OFFICIAL_PARAMS,
  type PreprocessParams,
  SliceWorkspace,
  writeSliceInput,
} from '../../src/qs/preprocess.js';
import {
  cropBounds,
  findLabelSliceBoxes,
  findSliceBoxes,
  selectSlices,
} from '../../src/qs/slice-boxes.js';

// Fixtures: the Python reference (tools/qs/preprocess.py) run by
// test/fixtures/qs/make_preprocess_fixtures.py.
interface Fixture {
  selection: { valid: number[]; count: number; picked: number[] }[];
  crops: {
    height: number;
    width: number;
    margin: number;
    box: { rmin: number; rmax: number; cmin: number; cmax: number };
    crop: { r0: number; r1: number; c0: number; c1: number };
  }[];
  slices: {
    nx: number;
    ny: number;
    ctType: 'int16' | 'float32';
    label: number;
    manifest: { inputSize: number; cropMargin: number };
    ct: number[];
    labels: number[];
    crop: [number, number, number, number];
    input: number[];
  }[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../../../test/fixtures/qs/preprocess.json', import.meta.url), 'utf8'),
) as Fixture;

test('slice selection matches the reference for 1, 7, 10, 11, 19, 23, 30, 37 and 99 valid slices', () => {
  const counts = fixture.selection.map((s) => s.valid.length);
  for (const n of [7, 10, 11, 23]) assert.ok(counts.includes(n), `fixture has ${n} valid slices`);
  for (const { valid, count, picked } of fixture.selection) {
    assert.deepEqual(selectSlices(valid, count), picked, `${valid.length} valid, ${count} wanted`);
  }
});

test('slice selection takes floor of the double product (23 valid: 2.3 * 3 = 6.8999...)', () => {
  const valid = Array.from({ length: 23 }, (_, i) => i);
  assert.deepEqual(selectSlices(valid, 10), [0, 2, 4, 6, 9, 11, 13, 16, 18, 20]);
  assert.deepEqual(selectSlices(valid.slice(0, 7), 10), [0, 1, 2, 3, 4, 5, 6]);
});

test('crop bounds match the reference, with border clamping and the off-square quirk', () => {
  let offSquare = 0;
  for (const { height, width, margin, box, crop } of fixture.crops) {
    const got = cropBounds({ k: 0, ...box }, height, width, margin);
    assert.deepEqual(got, crop, JSON.stringify({ height, width, margin, box }));
    if (got.r1 - got.r0 !== got.c1 - got.c0) offSquare++;
  }
  assert.ok(offSquare > 3, 'the fixture exercises off-square crops');
});

test('crop is 20 before and 19 after the box, then squared by floor(diff/2) each side', () => {
  assert.deepEqual(cropBounds({ k: 0, rmin: 30, rmax: 40, cmin: 50, cmax: 52 }, 100, 120, 20), {
    r0: 10,
    r1: 60,
    c0: 26,
    c1: 76,
  });
});

test('slice boxes: per-organ mask (> 0) and label map (== label) agree with a brute-force scan', () => {
  const [nx, ny, nz] = [13, 9, 6];
  const data = new Int16Array(nx * ny * nz);
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let i = 0; i < data.length; i++) data[i] = rand() < 0.05 ? 1 + Math.floor(rand() * 3) : 0;
  data.fill(0, 2 * nx * ny, 3 * nx * ny); // an empty slice
  const brute = (pass: (v: number) => boolean) => {
    const boxes = [];
    for (let k = 0; k < nz; k++) {
      let b: { k: number; rmin: number; rmax: number; cmin: number; cmax: number } | undefined;
      for (let r = 0; r < ny; r++) {
        for (let c = 0; c < nx; c++) {
          if (!pass(data[k * nx * ny + r * nx + c] as number)) continue;
          if (b === undefined) b = { k, rmin: r, rmax: r, cmin: c, cmax: c };
          b.rmax = r;
          b.cmin = Math.min(b.cmin, c);
          b.cmax = Math.max(b.cmax, c);
        }
      }
      if (b !== undefined) boxes.push(b);
    }
    return boxes;
  };
  assert.deepEqual(
    findSliceBoxes(data, [nx, ny, nz]),
    brute((v) => v > 0),
  );
  // uint8 masks take the word-at-a-time path for empty slices, also at an unaligned offset.
  for (const shift of [0, 1, 3]) {
    const bytes = new Uint8Array(data.length + shift).subarray(shift);
    bytes.set(data);
    assert.deepEqual(
      findSliceBoxes(bytes, [nx, ny, nz]),
      brute((v) => v > 0),
      `offset ${shift}`,
    );
  }
  const all = findLabelSliceBoxes(data, [nx, ny, nz]);
  assert.deepEqual([...all.keys()].sort(), [1, 2, 3]);
  for (const label of [1, 2, 3]) {
    assert.deepEqual(
      findSliceBoxes(data, [nx, ny, nz], label),
      brute((v) => v === label),
    );
    assert.deepEqual(
      all.get(label),
      brute((v) => v === label),
    );
  }
  assert.ok(!findSliceBoxes(data, [nx, ny, nz]).some((b) => b.k === 2));
});

test('one slice network input equals the Python reference to 1e-5 (label map and binary mask)', () => {
  for (const s of fixture.slices) {
    const params: PreprocessParams = {
      ...OFFICIAL_PARAMS,
      inputSize: s.manifest.inputSize,
      cropMargin: s.manifest.cropMargin,
    };
    const ct = s.ctType === 'int16' ? Int16Array.from(s.ct) : Float32Array.from(s.ct);
    const labels = Uint8Array.from(s.labels);
    const binary = Uint8Array.from(s.labels, (v) => (v === s.label ? 2 : 0));
    const dims = [s.nx, s.ny, 1];
    const [box] = findSliceBoxes(labels, dims, s.label);
    assert.ok(box);
    const size = params.inputSize;
    const workspace = new SliceWorkspace();
    for (const mask of [{ data: labels, label: s.label }, { data: binary }]) {
      const out = new Float32Array(2 * size * size + 5);
      const crop = writeSliceInput(ct, mask, dims, box, params, workspace, out, 5);
      assert.deepEqual([crop.r0, crop.r1, crop.c0, crop.c1], s.crop);
      let worst = 0;
      for (let i = 0; i < s.input.length; i++)
        worst = Math.max(worst, Math.abs((out[5 + i] as number) - (s.input[i] as number)));
      assert.ok(worst <= 1e-5, `${s.nx}x${s.ny} ${s.ctType}: max diff ${worst}`);
    }
  }
});
