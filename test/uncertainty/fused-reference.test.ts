import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EngineConfig } from '../../src/engine/engine-config.js';
import { runEngine } from '../../src/engine/run-engine.js';
import {
  FAST_PARAMS,
  type Fixture,
  makeFixture,
  referenceEngine,
} from '../engines/reference/reference-fixture.js';
import { assertSameScores, compareFusedWithFiles } from './fused-vs-files.js';

// The reference engine's fused uncertainty (save.entropyMap, save.mcStdMap) gives the entropy
// and mc-dropout scores of its written probabilities and MC samples, for both storage types.
describe('reference engine: fused uncertainty maps score like the probability files', () => {
  let fixture: Fixture;
  const engine = EngineConfig.parse({
    name: 'reference',
    command: [process.execPath, referenceEngine, '{action}', '--request', '{request}'],
    params: FAST_PARAMS,
    supportsMcDropout: true,
    uncertainty: 'fused',
  });
  let checkpoint = '';
  before(async () => {
    fixture = await makeFixture();
    checkpoint = join(fixture.dir, 'model.ckpt.json');
    const { labeled, classes } = fixture.dataset;
    const trained = await runEngine(
      engine,
      { action: 'train', init: null, cases: labeled, classes, seed: 1, checkpoint },
      { jobDir: join(fixture.dir, 'train') },
    );
    assert.ok(trained.ok, trained.ok ? '' : trained.message);
  });
  after(() => fixture?.cleanup());

  for (const probabilityType of ['float32', 'uint8'] as const) {
    it(`equal scores from ${probabilityType} maps`, async () => {
      const comparison = await compareFusedWithFiles({
        engine,
        checkpoint,
        cases: fixture.dataset.test.map(({ id, image }) => ({ id, image })),
        classes: fixture.dataset.classes,
        dir: fixture.dir,
        probabilityType,
        samples: 3,
      });
      assertSameScores(comparison);
    });
  }
});
