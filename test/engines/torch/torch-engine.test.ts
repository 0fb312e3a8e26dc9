import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runEngine } from '../../../src/engine/run-engine.js';
import type { DemoDataset } from '../../../src/phantom/index.js';
import { readNifti } from '../../../src/volume/index.js';
import { pythonSkipReason, tinyPhantoms, torchEngineConfig } from './torch-engine-setup.js';

const skip = await pythonSkipReason(['torch', 'nibabel', 'numpy']);

// The torch engine with the small U-Net through the real runner (runEngine): requests written,
// the engine run as a subprocess, every output validated against the contract (grids, labels,
// probabilities summing to 1, MC sample count).
describe('torch engine (small U-Net) through the engine runner', { skip }, () => {
  let dir = '';
  let data: DemoDataset;
  const engine = torchEngineConfig();
  before(async () => {
    ({ dir, data } = await tinyPhantoms('torch-engine-'));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const train = (seed: number, checkpoint: string) =>
    runEngine(
      engine,
      { action: 'train', init: null, cases: data.labeled, classes: data.classes, seed, checkpoint },
      { jobDir: join(dir, `train-${seed}-${checkpoint.length}`) },
    );

  it('trains, then predicts masks, float32 probabilities and differing MC-dropout samples on the input grid', async () => {
    const trained = await train(5, join(dir, 'model.pt'));
    assert.ok(trained.ok, trained.ok ? '' : `${trained.message}\n${trained.logTail}`);
    assert.equal(trained.response.engine.name, 'torch');
    assert.equal(trained.response.stats?.network, 'unet');

    const cases = [...data.test, ...data.pool].map(({ id, image }) => ({ id, image }));
    const outputDir = join(dir, 'predictions');
    const predicted = await runEngine(
      engine,
      {
        action: 'predict',
        checkpoint: join(dir, 'model.pt'),
        cases,
        classes: data.classes,
        seed: 5,
        outputDir,
        save: { probabilities: true, mcSamples: 2, probabilityType: 'float32' },
      },
      { jobDir: join(dir, 'predict') },
    );
    assert.ok(predicted.ok, predicted.ok ? '' : `${predicted.message}\n${predicted.logTail}`);
    assert.equal(predicted.response.outputs.length, cases.length);
    const output = predicted.response.outputs[0]!;
    const image = await readNifti(cases[0]!.image);
    const mask = await readNifti(output.mask);
    assert.equal(mask.datatype, 'uint8');
    assert.deepEqual(mask.dims.slice(0, 3), image.dims.slice(0, 3));
    assert.deepEqual(mask.affine, image.affine);
    const probabilities = await readNifti(output.probabilities!);
    assert.deepEqual(probabilities.dims, [...image.dims.slice(0, 3), 10]);
    assert.equal(probabilities.datatype, 'float32');
    const [first, second] = await Promise.all(output.mcSamples!.map((path) => readNifti(path)));
    let differing = 0;
    for (let i = 0; i < first!.data.length; i++)
      if (first!.data[i] !== second!.data[i]) differing++;
    assert.ok(differing > 0, 'the two MC-dropout samples are identical');
    // The mask is the argmax of the probabilities (channel k = k-th label, ascending).
    const voxels = image.data.length;
    const labels = [
      0,
      ...Object.keys(data.classes)
        .map(Number)
        .sort((a, b) => a - b),
    ];
    for (let v = 0; v < voxels; v += 97) {
      let best = 0;
      for (let c = 1; c < labels.length; c++) {
        if (
          (probabilities.data[c * voxels + v] as number) >
          (probabilities.data[best * voxels + v] as number)
        )
          best = c;
      }
      assert.equal(mask.data[v], labels[best]);
    }
  });

  it('writes uint8 probabilities with scl_slope 1/255 whose bytes sum to 255', async () => {
    const predicted = await runEngine(
      engine,
      {
        action: 'predict',
        checkpoint: join(dir, 'model.pt'),
        cases: data.test.map(({ id, image }) => ({ id, image })),
        classes: data.classes,
        seed: 5,
        outputDir: join(dir, 'predictions-uint8'),
        save: { probabilities: true, mcSamples: 0, probabilityType: 'uint8' },
      },
      { jobDir: join(dir, 'predict-uint8') },
    );
    assert.ok(predicted.ok, predicted.ok ? '' : `${predicted.message}\n${predicted.logTail}`);
    const map = await readNifti(predicted.response.outputs[0]!.probabilities!);
    assert.equal(map.datatype, 'uint8');
    assert.ok(Math.abs(map.sclSlope - 1 / 255) < 1e-9);
    const voxels = map.dims[0]! * map.dims[1]! * map.dims[2]!;
    for (let v = 0; v < voxels; v += 101) {
      let sum = 0;
      for (let c = 0; c < map.dims[3]!; c++)
        sum += Math.round((map.data[c * voxels + v] as number) * 255);
      assert.equal(sum, 255);
    }
  });

  it('honours the seed: the same seed trains to the same loss, another seed does not', async () => {
    const [a, b, c] = [
      await train(9, join(dir, 'a.pt')),
      await train(9, join(dir, 'bb.pt')),
      await train(10, join(dir, 'ccc.pt')),
    ];
    assert.ok(a.ok && b.ok && c.ok, 'a training failed');
    assert.equal(a.response.stats?.finalLoss, b.response.stats?.finalLoss);
    assert.notEqual(a.response.stats?.finalLoss, c.response.stats?.finalLoss);
  });
});
