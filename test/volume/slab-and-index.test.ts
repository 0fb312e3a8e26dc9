import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { forEachSlab } from '../../src/volume/for-each-slab.js';
import { orientationCode } from '../../src/volume/orientation.js';
import { readLabelMap } from '../../src/volume/read-label-map.js';
import { readNifti } from '../../src/volume/read-nifti.js';
import type { Affine } from '../../src/volume/types.js';
import { sliceOffset, voxelIndex } from '../../src/volume/voxel-index.js';
import { writeNifti } from '../../src/volume/write-nifti.js';
import { makeVolume } from './make-volume.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'volume-slab-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('voxelIndex and sliceOffset follow NIfTI order (x fastest, then y, z, t)', () => {
  const dims = [4, 3, 5, 2];
  assert.equal(voxelIndex(dims, 0, 0, 0), 0);
  assert.equal(voxelIndex(dims, 1, 0, 0), 1);
  assert.equal(voxelIndex(dims, 0, 1, 0), 4);
  assert.equal(voxelIndex(dims, 0, 0, 1), 12);
  assert.equal(voxelIndex(dims, 3, 2, 4, 1), 119);
  assert.equal(sliceOffset(dims, 2), 24);
});

test('forEachSlab visits every voxel once, in order, scaled, across 4D volumes (fresh or reused arrays)', async () => {
  const base = makeVolume('int16', [6, 5, 7, 2]);
  const values = Float32Array.from(base.data, (v) => v * 0.5 + 3);
  const path = join(dir, 'slabs.nii.gz');
  await writeNifti(path, { ...base, data: values, sclSlope: 0.5, sclInter: 3 });
  const whole = await readNifti(path);
  for (const [depth, reuse] of [
    [1, false],
    [3, true],
    [7, false],
    [100, true],
    [2, true],
  ] as const) {
    const seen: number[] = [];
    const header = await forEachSlab(
      path,
      (slab) => {
        assert.ok(slab.data instanceof Float32Array);
        assert.equal(slab.data.length, 6 * 5 * slab.depth);
        const start = sliceOffset(whole.dims, slab.k0, slab.t);
        slab.data.forEach((v, i) => assert.equal(v, whole.data[start + i]));
        seen.push(slab.t * 7 + slab.k0);
      },
      { depth, reuse },
    );
    assert.deepEqual(header.dims, [6, 5, 7, 2]);
    const expected = [0, 1].flatMap((t) =>
      Array.from({ length: Math.ceil(7 / depth) }, (_, s) => t * 7 + s * depth),
    );
    assert.deepEqual(seen, expected, `depth ${depth}`);
  }
});

test('orientationCode gives the axis codes nibabel gives', () => {
  const diag = (x: number, y: number, z: number): Affine => [
    [x, 0, 0, 0],
    [0, y, 0, 0],
    [0, 0, z, 0],
    [0, 0, 0, 1],
  ];
  assert.equal(orientationCode(diag(1, 1, 1)), 'RAS');
  assert.equal(orientationCode(diag(-1, -1, 1)), 'LPS');
  assert.equal(orientationCode(diag(-0.7, 0.7, -3)), 'LAI');
  const swapped: Affine = [
    [0, 0, 2, 0],
    [-1, 0, 0, 0],
    [0, 1.5, 0.1, 0],
    [0, 0, 0, 1],
  ];
  assert.equal(orientationCode(swapped), 'PSR');
});

test('readLabelMap returns uint8 or uint16 labels from integer-valued files of any datatype', async () => {
  const small = makeVolume('float32', [4, 4, 2]);
  for (let i = 0; i < small.data.length; i++) small.data[i] = i % 5;
  await writeNifti(join(dir, 'labels-float.nii.gz'), small);
  const a = await readLabelMap(join(dir, 'labels-float.nii.gz'));
  assert.ok(a.data instanceof Uint8Array);
  assert.equal(a.datatype, 'uint8');
  assert.deepEqual([...a.data.subarray(0, 6)], [0, 1, 2, 3, 4, 0]);
  const big = makeVolume('int32', [4, 4, 2]);
  for (let i = 0; i < big.data.length; i++) big.data[i] = i * 1000;
  await writeNifti(join(dir, 'labels-int32.nii'), big);
  const b = await readLabelMap(join(dir, 'labels-int32.nii'));
  assert.ok(b.data instanceof Uint16Array);
  assert.equal(b.data[31], 31000);
});
