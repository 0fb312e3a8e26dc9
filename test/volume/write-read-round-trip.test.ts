import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DATATYPE_NAMES } from '../../src/volume/datatypes.js';
import { readNifti, readNiftiHeader } from '../../src/volume/read-nifti.js';
import type { VoxelArray } from '../../src/volume/types.js';
import { writeNifti, writeStoredNifti } from '../../src/volume/write-nifti.js';
import { makeVolume } from './make-volume.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'volume-rt-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function bytesOf(a: VoxelArray): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function assertAffineClose(actual: number[][], expected: number[][], tol = 1e-5): void {
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      assert.ok(
        Math.abs(actual[r]![c]! - expected[r]![c]!) <= tol,
        `affine[${r}][${c}] ${actual[r]![c]} vs ${expected[r]![c]}`,
      );
    }
  }
}

for (const datatype of DATATYPE_NAMES) {
  for (const ext of ['.nii.gz', '.nii']) {
    test(`${datatype} round-trips bit-exact through ${ext} (3D and 4D)`, async () => {
      for (const dims of [
        [7, 5, 4],
        [3, 4, 5, 2],
      ]) {
        const volume = makeVolume(datatype, dims);
        const path = join(dir, `${datatype}-${dims.length}d${ext}`);
        await writeNifti(path, volume);
        const back = await readNifti(path);
        assert.deepEqual(back.dims, dims);
        assert.equal(back.datatype, datatype);
        assert.equal(back.data.constructor, volume.data.constructor);
        assert.ok(bytesOf(back.data).equals(bytesOf(volume.data)), 'voxel bytes differ');
        assertAffineClose(back.affine, volume.affine);
        back.spacing.forEach((s, i) => assert.ok(Math.abs(s - volume.spacing[i]!) < 1e-5));
        assert.equal(back.sclSlope, 1);
        assert.equal(back.sclInter, 0);
      }
    });
  }
}

test('a uint8 probability map with scl_slope 1/255 reads back within half a step', async () => {
  const base = makeVolume('float32', [6, 6, 3, 2]);
  const probs = Float32Array.from({ length: base.data.length }, (_, i) => (i % 256) / 255);
  const path = join(dir, 'probs.nii.gz');
  await writeNifti(path, { ...base, data: probs }, { datatype: 'uint8', sclSlope: 1 / 255 });
  const back = await readNifti(path);
  assert.equal(back.datatype, 'uint8');
  assert.ok(back.data instanceof Float32Array, 'scaled data comes back as float32');
  assert.ok(Math.abs(back.sclSlope - 1 / 255) < 1e-9);
  for (let i = 0; i < probs.length; i++) assert.ok(Math.abs(back.data[i]! - probs[i]!) < 1e-6);
});

test('an int16 image with slope and intercept stores the integers and reads back the values', async () => {
  const stored = makeVolume('int16').data as Int16Array;
  const values = Float32Array.from(stored, (v) => v * 0.5 - 1024);
  const volume = { ...makeVolume('int16'), data: values, sclSlope: 0.5, sclInter: -1024 };
  const path = join(dir, 'scaled-int16.nii');
  await writeNifti(path, volume);
  const raw = await readFile(path);
  assert.ok(raw.subarray(352).equals(bytesOf(stored)), 'the file stores the original integers');
  const back = await readNifti(path);
  assert.ok(back.data instanceof Float32Array);
  assert.ok(bytesOf(back.data).equals(bytesOf(values)));
  const again = join(dir, 'scaled-int16-again.nii.gz');
  await writeNifti(again, back);
  const header = await readNiftiHeader(again);
  assert.deepEqual([header.datatype, header.sclSlope, header.sclInter], ['int16', 0.5, -1024]);
  assert.ok(bytesOf((await readNifti(again)).data).equals(bytesOf(values)));
});

test('the header written is NIfTI-1 with vox_offset 352, mm units, sform and qform set', async () => {
  const path = join(dir, 'header.nii');
  await writeNifti(path, makeVolume('uint8'));
  const raw = await readFile(path);
  assert.equal(raw.readInt32LE(0), 348);
  assert.equal(raw.toString('latin1', 344, 348), 'n+1\0');
  assert.equal(raw.readFloatLE(108), 352);
  assert.equal(raw.readUInt8(123), 2);
  assert.equal(raw.readInt16LE(252), 1, 'qform_code');
  assert.equal(raw.readInt16LE(254), 1, 'sform_code');
  assert.equal(raw.length, 352 + 7 * 5 * 4);
});

test('writing leaves no temporary file behind and replaces an existing file', async () => {
  const path = join(dir, 'replace.nii.gz');
  await writeNifti(path, makeVolume('uint8'));
  await writeNifti(path, makeVolume('int16'));
  assert.equal((await readNiftiHeader(path)).datatype, 'int16');
  const { readdir } = await import('node:fs/promises');
  assert.deepEqual(
    (await readdir(dir)).filter((f) => f.endsWith('.tmp')),
    [],
  );
});

test('writeStoredNifti writes the given bytes with their scaling (probability bytes, slope 1/255)', async () => {
  const bytes = Uint8Array.from({ length: 4 * 3 * 2 * 2 }, (_, i) => (i * 37) % 256);
  const volume = {
    ...makeVolume('uint8', [4, 3, 2, 2]),
    data: bytes,
    sclSlope: 1 / 255,
    sclInter: 0,
  };
  const path = join(dir, 'stored.nii.gz');
  await writeStoredNifti(path, volume);
  const header = await readNiftiHeader(path);
  assert.equal(header.datatype, 'uint8');
  const back = await readNifti(path);
  assert.equal(back.data.length, bytes.length);
  for (let i = 0; i < bytes.length; i++)
    assert.equal(Math.round(back.data[i]! / Math.fround(1 / 255)), bytes[i], `voxel ${i}`);
  await assert.rejects(
    writeStoredNifti(join(dir, 'wrong.nii'), { ...volume, data: Float32Array.from(bytes) }),
    /is a Float32Array, not the uint8 array/,
  );
});
