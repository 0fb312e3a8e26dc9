import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runEngine } from '../../../src/engine/run-engine.js';
import type { DemoDataset } from '../../../src/phantom/index.js';
import {
  type Affine,
  type Volume,
  orientationCode,
  readNifti,
  writeNifti,
} from '../../../src/volume/index.js';
import { pythonSkipReason, tinyPhantoms, torchEngineConfig } from './torch-engine-setup.js';

const skip = await pythonSkipReason(['torch', 'nibabel', 'numpy']);

type Matrix = number[][];

function multiply(a: Matrix, b: Matrix): Matrix {
  return a.map((row) =>
    b[0]!.map((_, j) => row.reduce((sum, value, k) => sum + value * b[k]![j]!, 0)),
  );
}

// The same image stored LPS: x and y flipped in the data, the affine changed to match, so every
// voxel keeps its world position.
function toLps(volume: Volume): Volume {
  const [nx, ny, nz] = volume.dims as [number, number, number];
  const data = volume.data.slice();
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++)
        data[x + nx * (y + ny * z)] = volume.data[nx - 1 - x + nx * (ny - 1 - y + ny * z)]!;
  const flip: Matrix = [
    [-1, 0, 0, nx - 1],
    [0, -1, 0, ny - 1],
    [0, 0, 1, 0],
    [0, 0, 0, 1],
  ];
  return { ...volume, data, affine: multiply(volume.affine, flip) as Affine };
}

// The same image with its axes stored in the order (z, x, y) and the grid rotated by 10 degrees
// about the scanner's z axis: an oblique, permuted, anisotropic grid.
function toPermutedOblique(volume: Volume): Volume {
  const [nx, ny, nz] = volume.dims as [number, number, number];
  const data = volume.data.slice();
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++)
        data[z + nz * (x + nx * y)] = volume.data[x + nx * (y + ny * z)]!;
  const permute: Matrix = [
    [0, 1, 0, 0],
    [0, 0, 1, 0],
    [1, 0, 0, 0],
    [0, 0, 0, 1],
  ];
  const angle = (10 * Math.PI) / 180;
  const rotate: Matrix = [
    [Math.cos(angle), -Math.sin(angle), 0, 0],
    [Math.sin(angle), Math.cos(angle), 0, 0],
    [0, 0, 1, 0],
    [0, 0, 0, 1],
  ];
  return {
    ...volume,
    dims: [nz, nx, ny],
    data,
    affine: multiply(rotate, multiply(volume.affine, permute)) as Affine,
  };
}

// Reads a map predicted on a transformed grid (3D mask or 4D probabilities, x fastest) back
// into the original voxel order, channel by channel.
function backToOriginal(map: Volume, kind: 'lps' | 'oblique'): number[] {
  const [a, b, c] = map.dims as [number, number, number];
  const voxels = a * b * c;
  const channels = map.data.length / voxels;
  const out = new Array<number>(map.data.length);
  for (let ch = 0; ch < channels; ch++) {
    const o = ch * voxels;
    if (kind === 'lps') {
      for (let z = 0; z < c; z++)
        for (let y = 0; y < b; y++)
          for (let x = 0; x < a; x++)
            out[o + x + a * (y + b * z)] = map.data[o + (a - 1 - x) + a * (b - 1 - y + b * z)]!;
    } else {
      // stored (z, x, y) with dims [nz, nx, ny] = [a, b, c]
      for (let y = 0; y < c; y++)
        for (let x = 0; x < b; x++)
          for (let z = 0; z < a; z++)
            out[o + x + b * (y + c * z)] = map.data[o + z + a * (x + b * y)]!;
    }
  }
  return out;
}

// Masks land exactly on each input's own grid, whatever its orientation, and the network sees
// the same RAS data: predictions on the LPS and the permuted-oblique copies equal the original's
// voxel for voxel. The engine resamples to 9 mm isotropic here, so the inverse resampling is
// exercised too.
describe('torch engine: orientation and spacing round trip', { skip }, () => {
  let dir = '';
  let data: DemoDataset;
  const engine = torchEngineConfig({ spacing: [9, 9, 9] });
  before(async () => {
    ({ dir, data } = await tinyPhantoms('torch-orientation-'));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('puts masks on LPS and oblique permuted grids, equal to the RAS prediction', async () => {
    const checkpoint = join(dir, 'model.pt');
    const trained = await runEngine(
      engine,
      {
        action: 'train',
        init: null,
        cases: data.labeled,
        classes: data.classes,
        seed: 2,
        checkpoint,
      },
      { jobDir: join(dir, 'train') },
    );
    assert.ok(trained.ok, trained.ok ? '' : `${trained.message}\n${trained.logTail}`);

    const original = await readNifti(data.test[0]!.image);
    const lps = toLps(original);
    const oblique = toPermutedOblique(original);
    assert.equal(orientationCode(lps.affine), 'LPS');
    const images = {
      ras: data.test[0]!.image,
      lps: join(dir, 'lps.nii.gz'),
      oblique: join(dir, 'oblique.nii.gz'),
    };
    await writeNifti(images.lps, lps);
    await writeNifti(images.oblique, oblique);

    const predicted = await runEngine(
      engine,
      {
        action: 'predict',
        checkpoint,
        cases: Object.entries(images).map(([id, image]) => ({ id, image })),
        classes: data.classes,
        seed: 2,
        outputDir: join(dir, 'predictions'),
        save: { probabilities: true, mcSamples: 0, probabilityType: 'float32' },
      },
      { jobDir: join(dir, 'predict') },
    );
    assert.ok(predicted.ok, predicted.ok ? '' : `${predicted.message}\n${predicted.logTail}`);
    const read = async (pick: 'mask' | 'probabilities') =>
      Object.fromEntries(
        await Promise.all(
          predicted.response.outputs.map(async (o) => [o.id, await readNifti(o[pick]!)] as const),
        ),
      );
    const masks = await read('mask');
    const probabilities = await read('probabilities');
    for (const [id, input] of [
      ['lps', lps],
      ['oblique', oblique],
    ] as const) {
      assert.deepEqual(masks[id]!.dims, input.dims, `${id} mask dims`);
      for (let r = 0; r < 4; r++)
        for (let c = 0; c < 4; c++)
          assert.ok(
            Math.abs(masks[id]!.affine[r]![c]! - input.affine[r]![c]!) < 1e-4,
            `${id} affine`,
          );
    }
    // A few training steps give a nearly constant argmax; the probabilities vary voxel by voxel,
    // so they are what shows a misplaced voxel.
    const reference = Array.from(probabilities.ras!.data);
    assert.ok(
      Math.max(...reference.slice(0, 4096)) - Math.min(...reference.slice(0, 4096)) > 1e-3,
      'the RAS probabilities are flat',
    );
    for (const kind of ['lps', 'oblique'] as const) {
      assert.deepEqual(
        backToOriginal(masks[kind]!, kind),
        Array.from(masks.ras!.data),
        `${kind} mask`,
      );
      const back = backToOriginal(probabilities[kind]!, kind);
      const worst = back.reduce((max, v, i) => Math.max(max, Math.abs(v - reference[i]!)), 0);
      assert.ok(
        worst < 1e-5,
        `${kind} probabilities differ from the RAS prediction by up to ${worst}`,
      );
    }
  });
});
