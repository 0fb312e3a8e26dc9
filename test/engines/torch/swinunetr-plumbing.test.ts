import assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EngineConfig } from '../../../src/engine/engine-config.js';
import { runEngine } from '../../../src/engine/run-engine.js';
import type { DemoDataset } from '../../../src/phantom/index.js';
import { pythonSkipReason, tinyPhantoms, torchEngineConfig } from './torch-engine-setup.js';

const skip = await pythonSkipReason(['torch', 'nibabel', 'numpy']);

// A stand-in `monai` package (a one-convolution network with MONAI's SwinUNETR signature, old
// with img_size or new without it) put on PYTHONPATH. It checks the engine's SwinUNETR plumbing
// (constructor arguments, drop_rate, training, prediction, MC dropout) where MONAI itself cannot
// be installed; swinunetr.test.ts runs the real network wherever MONAI is importable.
function standIn(withImgSize: boolean): string {
  const signature = withImgSize
    ? 'def __init__(self, img_size, in_channels, out_channels, feature_size=24, drop_rate=0.0, **rest)'
    : 'def __init__(self, in_channels, out_channels, feature_size=24, drop_rate=0.0, **rest)';
  return [
    'import json, os, torch',
    'from torch import nn',
    'class SwinUNETR(nn.Module):',
    `    ${signature}:`,
    '        super().__init__()',
    '        arguments = {k: v for k, v in locals().items() if k not in ("self", "__class__")}',
    "        with open(os.environ['STAND_IN_LOG'], 'a') as log: log.write(json.dumps(arguments, default=list) + '\\n')",
    '        self.conv = nn.Conv3d(in_channels, feature_size, 3, padding=1)',
    '        self.dropout = nn.Dropout(drop_rate)',
    '        self.head = nn.Conv3d(feature_size, out_channels, 1)',
    '    def forward(self, x):',
    '        return self.head(self.dropout(torch.relu(self.conv(x))))',
    '',
  ].join('\n');
}

// The stand-in's monai.inferers.sliding_window_inference: the engine's own sliding window.
const INFERERS = [
  'from sentinel_torch.sliding_window import sliding_window_logits',
  'def sliding_window_inference(inputs, roi_size, sw_batch_size, predictor, overlap, mode):',
  '    channels = predictor(inputs[:, :, :4, :4, :4]).shape[1]',
  '    window = list(roi_size)',
  '    return sliding_window_logits(predictor, inputs[0, 0], window, overlap, mode, sw_batch_size, channels)[None]',
  '',
].join('\n');

describe('torch engine: SwinUNETR plumbing with a stand-in monai package', { skip }, () => {
  let dir = '';
  let data: DemoDataset;
  before(async () => {
    ({ dir, data } = await tinyPhantoms('torch-swin-plumbing-'));
    for (const api of ['old', 'new']) {
      const nets = join(dir, api, 'monai', 'networks', 'nets');
      await mkdir(nets, { recursive: true });
      await writeFile(join(dir, api, 'monai', '__init__.py'), '');
      await writeFile(join(dir, api, 'monai', 'networks', '__init__.py'), '');
      await writeFile(join(nets, '__init__.py'), standIn(api === 'old'));
      await mkdir(join(dir, api, 'monai', 'inferers'));
      await writeFile(join(dir, api, 'monai', 'inferers', '__init__.py'), INFERERS);
    }
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const api of ['old', 'new'] as const) {
    it(`builds SwinUNETR ${api === 'old' ? 'with' : 'without'} img_size, trains, predicts MC samples`, async () => {
      const log = join(dir, `${api}.log`);
      const base = torchEngineConfig({
        network: 'swinunetr',
        featureSize: 12,
        patchSize: [64, 64, 64],
        steps: 2,
        dropRate: 0.25,
      });
      const engine = EngineConfig.parse({
        ...base,
        env: { PYTHONPATH: join(dir, api), STAND_IN_LOG: log },
      });
      const checkpoint = join(dir, `${api}.pt`);
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
        { jobDir: join(dir, `train-${api}`) },
      );
      assert.ok(trained.ok, trained.ok ? '' : `${trained.message}\n${trained.logTail}`);
      const predicted = await runEngine(
        engine,
        {
          action: 'predict',
          checkpoint,
          cases: data.test.map(({ id, image }) => ({ id, image })),
          classes: data.classes,
          seed: 0,
          outputDir: join(dir, `predictions-${api}`),
          save: { probabilities: false, mcSamples: 2, probabilityType: 'uint8' },
        },
        { jobDir: join(dir, `predict-${api}`) },
      );
      assert.ok(predicted.ok, predicted.ok ? '' : `${predicted.message}\n${predicted.logTail}`);
      const calls = (await readFile(log, 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      assert.equal(calls.length, 2, 'one network built by train, one by predict');
      const expected = {
        in_channels: 1,
        out_channels: 10,
        feature_size: 12,
        drop_rate: 0.25,
        rest: {},
      };
      for (const call of calls)
        assert.deepEqual(call, api === 'old' ? { img_size: [64, 64, 64], ...expected } : expected);
    });
  }
});
