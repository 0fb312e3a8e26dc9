import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EngineConfig } from '../../src/engine/engine-config.js';
import { runEngine } from '../../src/engine/run-engine.js';
import type { DemoDataset } from '../../src/phantom/index.js';
import {
  pythonSkipReason,
  tinyPhantoms,
  torchEngineConfig,
} from '../engines/torch/torch-engine-setup.js';
import { assertSameScores, compareFusedWithFiles } from './fused-vs-files.js';

const skip = await pythonSkipReason(['torch', 'nibabel', 'numpy']);

// The torch engine's fused uncertainty (save.entropyMap, save.mcStdMap) gives the entropy and
// mc-dropout scores of its written probabilities and MC samples (same seeded passes).
describe('torch engine: fused uncertainty maps score like the probability files', { skip }, () => {
  let dir = '';
  let data: DemoDataset;
  const engine = EngineConfig.parse({ ...torchEngineConfig(), uncertainty: 'fused' });
  before(async () => {
    ({ dir, data } = await tinyPhantoms('torch-fused-'));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('equal scores from float32 and uint8 maps', async () => {
    const checkpoint = join(dir, 'model.pt');
    const { labeled, classes } = data;
    const trained = await runEngine(
      engine,
      { action: 'train', init: null, cases: labeled, classes, seed: 2, checkpoint },
      { jobDir: join(dir, 'train') },
    );
    assert.ok(trained.ok, trained.ok ? '' : `${trained.message}\n${trained.logTail}`);
    const cases = [...data.pool, ...data.test].map(({ id, image }) => ({ id, image }));
    for (const probabilityType of ['float32', 'uint8'] as const) {
      const comparison = await compareFusedWithFiles({
        engine,
        checkpoint,
        cases,
        classes,
        dir,
        probabilityType,
        samples: 2,
      });
      assertSameScores(comparison);
    }
  });
});
