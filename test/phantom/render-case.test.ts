import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PHANTOM_ORGANS } from '../../src/phantom/organs.js';
import { renderPhantomCase } from '../../src/phantom/render-case.js';

// The voxels of each label whose six neighbours carry the same label (away from partial-volume
// edges), as HU values.
function interiorValues(
  image: Int16Array,
  label: Uint8Array,
  [nx, ny, nz]: number[],
): Map<number, number[]> {
  const values = new Map<number, number[]>(PHANTOM_ORGANS.map((o) => [o.label, []]));
  const plane = nx! * ny!;
  for (let z = 1; z < nz! - 1; z++) {
    for (let y = 1; y < ny! - 1; y++) {
      for (let x = 1; x < nx! - 1; x++) {
        const v = z * plane + y * nx! + x;
        const l = label[v]!;
        if (l === 0) continue;
        if ([v - 1, v + 1, v - nx!, v + nx!, v - plane, v + plane].every((w) => label[w] === l))
          values.get(l)?.push(image[v]!);
      }
    }
  }
  return values;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

test('every organ is present in every case, on the default grid and the smallest one', () => {
  for (const dims of [
    [64, 64, 40],
    [32, 32, 32],
  ] as [number, number, number][]) {
    for (let index = 0; index < 25; index++) {
      const drawn = renderPhantomCase(3, index, dims);
      const counts = new Map<number, number>();
      for (const l of drawn.label.data) counts.set(l, (counts.get(l) ?? 0) + 1);
      for (const organ of PHANTOM_ORGANS) {
        assert.ok(
          (counts.get(organ.label) ?? 0) > 0,
          `${organ.name} missing in case ${index} on ${dims.join('x')}`,
        );
      }
      assert.deepEqual(
        [...counts.keys()].sort((a, b) => a - b),
        [0, ...PHANTOM_ORGANS.map((o) => o.label)],
        'no stray labels',
      );
    }
  }
});

test('a case depends on (seed, index) only: redrawn identical, other seeds and indices differ', () => {
  const a = renderPhantomCase(5, 7, [40, 40, 32]);
  const b = renderPhantomCase(5, 7, [40, 40, 32]);
  assert.deepEqual(a.image.data, b.image.data);
  assert.deepEqual(a.label.data, b.label.data);
  assert.notDeepEqual(renderPhantomCase(6, 7, [40, 40, 32]).image.data, a.image.data);
  assert.notDeepEqual(renderPhantomCase(5, 8, [40, 40, 32]).label.data, a.label.data);
});

test('images are int16 HU and labels uint8 on one grid with a RAS affine matching the spacing', () => {
  const drawn = renderPhantomCase(0, 0, [64, 64, 40]);
  for (const volume of [drawn.image, drawn.label]) {
    assert.deepEqual(volume.dims, [64, 64, 40]);
    assert.deepEqual(volume.spacing, [5.625, 5.625, 5]);
    assert.deepEqual(
      [volume.affine[0][0], volume.affine[1][1], volume.affine[2][2]],
      volume.spacing,
    );
  }
  assert.equal(drawn.image.datatype, 'int16');
  assert.ok(drawn.image.data instanceof Int16Array);
  assert.equal(drawn.label.datatype, 'uint8');
  assert.ok(drawn.label.data instanceof Uint8Array);
  const [low, high] = drawn.image.data.reduce(
    ([lo, hi], v) => [Math.min(lo, v), Math.max(hi, v)],
    [0, 0],
  );
  assert.equal(low, -1024, 'air outside the body');
  assert.ok(high > 300, 'bone is present');
});

test('organ HU are plausible for contrast CT and in the right order', () => {
  const perOrgan = new Map<number, number[]>(PHANTOM_ORGANS.map((o) => [o.label, []]));
  for (let index = 0; index < 20; index++) {
    const drawn = renderPhantomCase(1, index, [64, 64, 40]);
    for (const [label, values] of interiorValues(
      drawn.image.data,
      drawn.label.data,
      drawn.image.dims,
    )) {
      if (values.length > 0) perOrgan.get(label)!.push(median(values));
    }
  }
  const typical = Object.fromEntries(
    PHANTOM_ORGANS.map((o) => [o.name, median(perOrgan.get(o.label)!)]),
  );
  const bands: Record<string, [number, number]> = {
    liver: [40, 80],
    spleen: [30, 70],
    kidney_left: [80, 200],
    kidney_right: [80, 200],
    pancreas: [25, 65],
    gallbladder: [-15, 30],
    aorta: [120, 260],
    inferior_vena_cava: [60, 150],
  };
  for (const [name, [low, high]] of Object.entries(bands)) {
    const hu = typical[name]!;
    assert.ok(
      hu >= low && hu <= high,
      `${name}: typical interior HU ${hu} outside ${low}..${high}`,
    );
  }
  assert.ok(
    typical.aorta! > typical.inferior_vena_cava! && typical.inferior_vena_cava! > typical.liver!,
  );
  assert.ok(typical.liver! > typical.gallbladder!);
});

test('difficulty varies: noise and organ contrast differ widely between cases', () => {
  const noise: number[] = [];
  const contrast: number[] = [];
  const difficulty: number[] = [];
  for (let index = 0; index < 30; index++) {
    const drawn = renderPhantomCase(2, index, [64, 64, 40]);
    const values = interiorValues(drawn.image.data, drawn.label.data, drawn.image.dims);
    const liver = values.get(1)!;
    const mean = liver.reduce((a, b) => a + b, 0) / liver.length;
    const sd = Math.sqrt(liver.reduce((a, b) => a + (b - mean) ** 2, 0) / liver.length);
    noise.push(sd);
    // Contrast-to-noise between liver and spleen, the neighbours a model must tell apart.
    contrast.push(Math.abs(mean - median(values.get(2)!)) / sd);
    difficulty.push(drawn.difficulty);
  }
  assert.ok(
    Math.max(...noise) > 2.5 * Math.min(...noise),
    `liver noise sd ${Math.min(...noise)}..${Math.max(...noise)}`,
  );
  assert.ok(
    Math.max(...contrast) > 5 * Math.min(...contrast),
    `liver-spleen CNR ${Math.min(...contrast)}..${Math.max(...contrast)}`,
  );
  assert.ok(Math.min(...difficulty) < 0.2 && Math.max(...difficulty) > 0.8);
});
