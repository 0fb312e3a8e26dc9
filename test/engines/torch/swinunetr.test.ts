import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { EngineConfig } from '../../../src/engine/engine-config.js';
import { runEngine } from '../../../src/engine/run-engine.js';
import { packageRoot } from '../../../src/package-root.js';
import { type DemoDataset, makeDemoDataset } from '../../../src/phantom/index.js';
import { readNifti } from '../../../src/volume/index.js';
import { MONAI_ENV, swinunetrCpuEngine, swinunetrSkip } from './swinunetr-setup.js';
import { PYTHON } from './torch-engine-setup.js';

const SELFTEST = join(packageRoot, 'engines/torch/selftest_swinunetr.py');

interface Report {
  format: string;
  loaded: number;
  skipped: number;
  total: number;
  encoderMatches: boolean;
}
interface SelfTest {
  mcDropout: {
    evalDeterministic: boolean;
    trainModeLayers: string[];
    trainModeCount: number;
    stochasticCount: number;
    mcPassesDiffer: boolean;
  };
  weights: {
    encoderTensors: number;
    monaiLoadFromMatches: boolean;
    load_from: Report;
    ssl: Report;
    other: string;
  };
}

// The SwinUNETR path through MONAI (configs/swinunetr-cpu.yaml: feature_size 12, 64^3 patches)
// on CPU: the MC-dropout and weight-format facts against MONAI itself, then train, save, load,
// fine-tune from the checkpoint and predict through the engine.
describe('torch engine: SwinUNETR through MONAI', { skip: swinunetrSkip }, () => {
  let dir = '';
  let data: DemoDataset;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'torch-swinunetr-'));
    data = await makeDemoDataset({
      out: join(dir, 'data'),
      ...{ labeled: 1, pool: 0, test: 1, seed: 3, size: [64, 64, 40] },
    });
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('samples only Dropout/DropPath in MC dropout; reads MONAI weight formats', async () => {
    const { stdout } = await execa(PYTHON, [SELFTEST, dir], {
      env: MONAI_ENV,
      timeout: 300_000,
    });
    const { mcDropout, weights } = JSON.parse(stdout) as SelfTest;
    assert.ok(mcDropout.evalDeterministic, 'eval() passes differ');
    assert.ok(mcDropout.mcPassesDiffer, 'MC-dropout passes are identical');
    assert.deepEqual(mcDropout.trainModeLayers, ['Dropout']);
    assert.equal(mcDropout.trainModeCount, mcDropout.stochasticCount);
    assert.ok(weights.monaiLoadFromMatches, "MONAI's load_from does not read the file written");
    for (const [name, format] of [
      ['load_from', 'monai-swin-load-from'],
      ['ssl', 'monai-swin-ssl'],
    ] as const) {
      const report = weights[name];
      assert.equal(report.format, format);
      assert.equal(report.loaded, weights.encoderTensors, `${name}: ${JSON.stringify(report)}`);
      assert.ok(report.encoderMatches, `${name}: the Swin encoder differs from the file's`);
    }
    assert.match(weights.other, /are in no format this engine reads; it reads: a torch-engine/);
  });

  it('trains, loads its checkpoint to fine-tune, predicts mask and probabilities through MONAI', async () => {
    const engine = await swinunetrCpuEngine({ steps: 1 });
    const train = (name: string, init: string | null) =>
      runEngine(
        engine,
        {
          action: 'train',
          init,
          cases: data.labeled,
          classes: data.classes,
          seed: 0,
          checkpoint: join(dir, `${name}.pt`),
        },
        { jobDir: join(dir, name) },
      );
    const first = await train('first', null);
    assert.ok(first.ok, first.ok ? '' : `${first.message}\n${first.logTail}`);
    assert.equal(first.response.stats?.network, 'swinunetr');
    const second = await train('second', join(dir, 'first.pt'));
    assert.ok(second.ok, second.ok ? '' : `${second.message}\n${second.logTail}`);
    assert.equal(second.response.stats?.init, join(dir, 'first.pt'));

    const predicted = await runEngine(
      engine,
      {
        action: 'predict',
        checkpoint: join(dir, 'second.pt'),
        cases: data.test.map(({ id, image }) => ({ id, image })),
        classes: data.classes,
        seed: 0,
        outputDir: join(dir, 'predictions'),
        save: { probabilities: true, mcSamples: 0, probabilityType: 'float32' },
      },
      { jobDir: join(dir, 'predict') },
    );
    assert.ok(predicted.ok, predicted.ok ? '' : `${predicted.message}\n${predicted.logTail}`);
    assert.match(
      await readFile(predicted.logPath, 'utf8'),
      /predicting with MONAI sliding_window_inference \(patch \[64, 64, 64\].*gaussian blending\)/,
    );
    const probabilities = await readNifti(predicted.response.outputs[0]!.probabilities!);
    assert.equal(probabilities.dims[3], Object.keys(data.classes).length + 1);
  });

  it('refuses a 32^3 patch where the engine config is read, naming value and rule', async () => {
    const engine = await swinunetrCpuEngine();
    const refused = EngineConfig.safeParse({
      ...engine,
      params: { ...engine.params, patchSize: [32, 32, 32] },
    });
    assert.equal(refused.success, false);
    const [issue] = refused.error?.issues ?? [];
    assert.deepEqual(issue?.path, ['params', 'patchSize']);
    assert.match(
      issue?.message ?? '',
      /swinunetr needs a 1\/32 bottleneck of more than one voxel .*got patchSize \[32, 32, 32\] \(bottleneck 1x1x1\)/,
    );
  });
});
