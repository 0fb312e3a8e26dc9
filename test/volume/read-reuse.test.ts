import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type VoxelBuffer, readNifti } from '../../src/volume/read-nifti.js';
import type { VoxelArray } from '../../src/volume/types.js';
import { writeNifti, writeStoredNifti } from '../../src/volume/write-nifti.js';
import { makeVolume } from './make-volume.js';

// readNifti with a VoxelBuffer: volumes read one after the other share one piece of memory,
// each read exact, the memory grown when a volume needs more.

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'volume-reuse-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function bytesOf(a: VoxelArray): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

test('reads through one VoxelBuffer are exact, share its memory and grow it when needed', async () => {
  const volumes = [
    makeVolume('uint8', [7, 5, 4]),
    makeVolume('uint8', [6, 5, 4]),
    makeVolume('int16', [7, 5, 6]),
    makeVolume('float32', [3, 4, 5]),
  ];
  const reuse: VoxelBuffer = {};
  let previous: ArrayBuffer | undefined;
  const files = new Set<Uint8Array>();
  for (const [i, volume] of volumes.entries()) {
    const path = join(dir, `v${i}.nii.gz`);
    await writeNifti(path, volume);
    const back = await readNifti(path, { reuse });
    // The small gzip file itself was read whole into the VoxelBuffer's bytes.
    assert.ok(reuse.bytes !== undefined, `volume ${i}: file bytes kept`);
    files.add(reuse.bytes);
    assert.equal(back.data.constructor, volume.data.constructor);
    assert.equal(back.data.length, volume.data.length);
    assert.ok(bytesOf(back.data).equals(bytesOf(volume.data)), `volume ${i}: voxel bytes differ`);
    assert.equal(back.data.buffer, reuse.buffer, `volume ${i} views the shared memory`);
    if (i === 1) assert.equal(reuse.buffer, previous, 'a smaller volume reuses the memory');
    if (i === 2) assert.notEqual(reuse.buffer, previous, 'a larger volume grows it');
    previous = reuse.buffer;
  }
  assert.equal(reuse.buffer?.byteLength, 7 * 5 * 6 * 2);
  assert.ok(files.size < volumes.length, 'the file bytes are reused between reads too');
});

test('a scaled volume gets its own array; the stored voxels go through the VoxelBuffer', async () => {
  const base = makeVolume('int16', [4, 4, 3]);
  const path = join(dir, 'scaled.nii.gz');
  await writeStoredNifti(path, { ...base, sclSlope: 2, sclInter: -1 });
  const reuse: VoxelBuffer = {};
  const back = await readNifti(path, { reuse });
  assert.ok(back.data instanceof Float32Array);
  assert.notEqual(back.data.buffer, reuse.buffer);
  assert.equal(reuse.buffer?.byteLength, 4 * 4 * 3 * 2);
  const stored = base.data as Int16Array;
  assert.deepEqual(
    Array.from(back.data),
    Array.from(stored, (v) => v * 2 - 1),
  );
});
