import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { runEngine } from '../../../src/engine/run-engine.js';
import type { DemoDataset } from '../../../src/phantom/index.js';
import { PYTHON, pythonSkipReason, tinyPhantoms, torchEngineConfig } from './torch-engine-setup.js';

const skip = await pythonSkipReason(['torch', 'nibabel', 'numpy']);

// Foreign weights (a state dict wrapped in "state_dict", keys prefixed "module.", as DDP
// training and MONAI's model zoo write them) load into the network params build; files that
// do not fit fail with a clear message.
describe('torch engine: user-supplied pretrained weights', { skip }, () => {
  let dir = '';
  let data: DemoDataset;
  const engine = torchEngineConfig({ steps: 2 });
  before(async () => {
    ({ dir, data } = await tinyPhantoms('torch-pretrained-'));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const train = (name: string, init: string | null, params: Record<string, unknown> = {}) =>
    runEngine(
      engine,
      {
        action: 'train',
        init,
        cases: data.labeled,
        classes: data.classes,
        seed: 1,
        checkpoint: join(dir, `${name}.pt`),
        params,
      },
      { jobDir: join(dir, name) },
    );

  it('fine-tunes from foreign weights given as init or as params.pretrainedWeights', async () => {
    const first = await train('first', null);
    assert.ok(first.ok, first.ok ? '' : first.logTail);
    const foreign = join(dir, 'foreign.pth');
    const script = [
      'import sys, torch',
      'c = torch.load(sys.argv[1])',
      "torch.save({'state_dict': {'module.' + k: v for k, v in c['stateDict'].items()}}, sys.argv[2])",
    ].join('\n');
    await execa(PYTHON, ['-c', script, join(dir, 'first.pt'), foreign]);

    const fromInit = await train('from-init', foreign);
    assert.ok(fromInit.ok, fromInit.ok ? '' : fromInit.logTail);
    const report = fromInit.response.stats?.pretrainedTensors as {
      loaded: number;
      total: number;
      skipped: number;
    };
    assert.equal(report.loaded, report.total);
    assert.equal(report.skipped, 0);

    // Another class map: the output head does not fit and is skipped, the rest loads.
    const fewer = await runEngine(
      engine,
      {
        action: 'train',
        init: null,
        cases: data.labeled,
        classes: { '1': 'liver' },
        seed: 1,
        checkpoint: join(dir, 'fewer.pt'),
        params: { pretrainedWeights: foreign },
      },
      { jobDir: join(dir, 'fewer') },
    );
    assert.ok(fewer.ok, fewer.ok ? '' : fewer.logTail);
    const partial = fewer.response.stats?.pretrainedTensors as {
      loaded: number;
      total: number;
      skipped: number;
    };
    assert.equal(partial.skipped, 2);
    assert.equal(partial.loaded, partial.total - 2);
  });

  it('fails clearly on weights that do not fit or do not load', async () => {
    const other = join(dir, 'other.pth');
    await execa(PYTHON, [
      '-c',
      "import sys, torch; torch.save({'encoder.weight': torch.zeros(3)}, sys.argv[1])",
      other,
    ]);
    const misfit = await train('misfit', other);
    assert.equal(misfit.ok, false);
    assert.match(
      misfit.ok ? '' : misfit.logTail,
      /do not fit the SmallUNet3d built from params \(none of 1 tensors matched/,
    );
    const garbage = join(dir, 'garbage.pth');
    await writeFile(garbage, 'not a torch file');
    const broken = await train('broken', null, { pretrainedWeights: garbage });
    assert.equal(broken.ok, false);
    assert.match(broken.ok ? '' : broken.logTail, /cannot load pretrained weights .*garbage\.pth/);
    assert.doesNotMatch(broken.ok ? '' : broken.logTail, /Traceback/);
  });
});
