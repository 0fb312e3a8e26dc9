import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractMaskBorder } from '../../src/metrics/mask-border.js';
import { surfaceDiceBinary } from '../../src/metrics/nsd.js';
import { paintEllipsoid } from './label-phantoms.js';

const dims = [12, 10, 8] as const;
const size = 12 * 10 * 8;
const at = (x: number, y: number, z: number) => (z * 10 + y) * 12 + x;

test('border = mask XOR 6-neighbour erosion; grid faces count as outside', () => {
  const cube = new Uint8Array(size);
  for (let z = 2; z <= 4; z++)
    for (let y = 2; y <= 4; y++) for (let x = 2; x <= 4; x++) cube[at(x, y, z)] = 1;
  const inner = extractMaskBorder(cube, dims);
  assert.equal(inner.count, 27 - 1);
  assert.equal(inner.border[at(3, 3, 3)], 0);
  const full = extractMaskBorder(new Uint8Array(size).fill(1), dims);
  assert.equal(full.count, size - 10 * 8 * 6);
});

test('identical masks: NSD 1; both empty: NaN; one empty: 0', () => {
  const a = new Uint8Array(size);
  paintEllipsoid(a, dims, 1, [5, 5, 4], [3, 3, 2]);
  assert.equal(surfaceDiceBinary(a, a, dims, [0.8, 0.8, 2]), 1);
  assert.ok(
    Number.isNaN(surfaceDiceBinary(new Uint8Array(size), new Uint8Array(size), dims, [1, 1, 1])),
  );
  assert.equal(surfaceDiceBinary(a, new Uint8Array(size), dims, [1, 1, 1]), 0);
  assert.equal(surfaceDiceBinary(new Uint8Array(size), a, dims, [1, 1, 1]), 0);
});

test('two single voxels: within tolerance when the spaced distance is <= tau', () => {
  const a = new Uint8Array(size);
  const b = new Uint8Array(size);
  a[at(3, 3, 3)] = 1;
  b[at(3, 3, 4)] = 1;
  // z spacing 2.5 mm: the voxels are 2.5 mm apart.
  assert.equal(surfaceDiceBinary(a, b, dims, [1, 1, 2.5], 2.5), 1);
  assert.equal(surfaceDiceBinary(a, b, dims, [1, 1, 2.5], 2.49), 0);
  assert.equal(surfaceDiceBinary(a, b, dims, [1, 1, 2.5]), 0);
});

test('a larger tolerance never lowers the NSD', () => {
  const a = new Uint8Array(size);
  const b = new Uint8Array(size);
  paintEllipsoid(a, dims, 1, [5, 5, 4], [3, 4, 2]);
  paintEllipsoid(b, dims, 1, [6, 5, 4], [4, 3, 3]);
  let last = -1;
  for (const tau of [0, 0.5, 1, 1.5, 2, 3, 5, 10]) {
    const nsd = surfaceDiceBinary(a, b, dims, [0.9, 0.9, 1.8], tau);
    assert.ok(nsd >= last, `tau ${tau}: ${nsd} < ${last}`);
    last = nsd;
  }
  assert.equal(last, 1);
});

test('bad tolerance or spacing is refused', () => {
  const a = new Uint8Array(size);
  a[0] = 1;
  assert.throws(() => surfaceDiceBinary(a, a, dims, [1, 1, 1], -1), RangeError);
  assert.throws(() => surfaceDiceBinary(a, a, dims, [1, 0, 1], 1), RangeError);
});
