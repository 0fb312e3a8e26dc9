import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runEngine } from '../../../src/engine/run-engine.js';
import type { DemoDataset } from '../../../src/phantom/index.js';
import { readNifti } from '../../../src/volume/index.js';
import { pythonSkipReason, tinyPhantoms, torchEngineConfig } from './torch-engine-setup.js';

const torchMissing = await pythonSkipReason(['torch', 'nibabel', 'numpy']);
const monaiMissing = await pythonSkipReason(['monai']);
const skip =
  torchMissing ??
  (monaiMissing
    ? 'SwinUNETR path not run: MONAI is not importable by /usr/bin/python3 (pip install monai to run it)'
    : false);

// The SwinUNETR path (MONAI) end to end on CPU with the smallest SwinUNETR (feature_size 12,
// 32^3 patches): train two steps, predict mask, probabilities and MC-dropout samples.
describe('torch engine: SwinUNETR through MONAI', { skip }, () => {
  let dir = '';
  let data: DemoDataset;
  const engine = torchEngineConfig({
    network: 'swinunetr',
    featureSize: 12,
    patchSize: [32, 32, 32],
    steps: 2,
    dropRate: 0.2,
  });
  before(async () => {
    ({ dir, data } = await tinyPhantoms('torch-swinunetr-'));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('trains and predicts with SwinUNETR, MC samples differing', async () => {
    const checkpoint = join(dir, 'swin.pt');
    const trained = await runEngine(
      engine,
      {
        action: 'train',
        init: null,
        cases: data.labeled,
        classes: data.classes,
        seed: 0,
        checkpoint,
      },
      { jobDir: join(dir, 'train') },
    );
    assert.ok(trained.ok, trained.ok ? '' : `${trained.message}\n${trained.logTail}`);
    assert.equal(trained.response.stats?.network, 'swinunetr');
    const predicted = await runEngine(
      engine,
      {
        action: 'predict',
        checkpoint,
        cases: data.test.map(({ id, image }) => ({ id, image })),
        classes: data.classes,
        seed: 0,
        outputDir: join(dir, 'predictions'),
        save: { probabilities: true, mcSamples: 2, probabilityType: 'uint8' },
      },
      { jobDir: join(dir, 'predict') },
    );
    assert.ok(predicted.ok, predicted.ok ? '' : `${predicted.message}\n${predicted.logTail}`);
    const [a, b] = await Promise.all(
      predicted.response.outputs[0]!.mcSamples!.map((path) => readNifti(path)),
    );
    assert.ok(
      a!.data.some((v, i) => v !== b!.data[i]),
      'the MC-dropout samples are identical',
    );
  });
});
