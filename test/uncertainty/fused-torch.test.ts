import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
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
  const checkpoint = () => join(dir, 'model.pt');
  const engine = EngineConfig.parse({ ...torchEngineConfig(), uncertainty: 'fused' });
  before(async () => {
    ({ dir, data } = await tinyPhantoms('torch-fused-'));
    const { labeled, classes } = data;
    const trained = await runEngine(
      engine,
      { action: 'train', init: null, cases: labeled, classes, seed: 2, checkpoint: checkpoint() },
      { jobDir: join(dir, 'train') },
    );
    assert.ok(trained.ok, trained.ok ? '' : `${trained.message}\n${trained.logTail}`);
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('equal scores from float32 and uint8 maps', async () => {
    const cases = [...data.pool, ...data.test].map(({ id, image }) => ({ id, image }));
    for (const probabilityType of ['float32', 'uint8'] as const) {
      const comparison = await compareFusedWithFiles({
        engine,
        checkpoint: checkpoint(),
        cases,
        classes: data.classes,
        dir,
        probabilityType,
        samples: 2,
      });
      assertSameScores(comparison);
    }
  });

  // engine-check asks for both in one predict; the engine then runs the T passes once.
  it('samples and MC-std map asked together are the bytes of each asked alone', async () => {
    const cases = [...data.pool, ...data.test].map(({ id, image }) => ({ id, image }));
    const predict = async (name: string, save: Record<string, unknown>) => {
      const result = await runEngine(
        engine,
        {
          action: 'predict',
          checkpoint: checkpoint(),
          cases,
          classes: data.classes,
          seed: 7,
          outputDir: join(dir, name, 'out'),
          save: { probabilities: false, mcSamples: 0, probabilityType: 'uint8', ...save },
        },
        { jobDir: join(dir, name) },
      );
      assert.ok(result.ok, result.ok ? '' : `${result.message}\n${result.logTail}`);
      return result.response.outputs;
    };
    const both = await predict('both', { mcSamples: 2, mcStdMap: 2 });
    // The first test's uint8 comparison wrote each alone, same checkpoint, cases and seed.
    const alone = (kind: 'files' | 'fused', path: string) =>
      readFile(join(dir, `${kind}-uint8`, 'out', basename(path)));
    for (const o of both) {
      assert.equal(o.mcSamples?.length, 2);
      for (const path of o.mcSamples ?? [])
        assert.ok((await readFile(path)).equals(await alone('files', path)), path);
      assert.ok(o.mcStdMap);
      assert.ok((await readFile(o.mcStdMap)).equals(await alone('fused', o.mcStdMap)), o.mcStdMap);
    }
  });
});
